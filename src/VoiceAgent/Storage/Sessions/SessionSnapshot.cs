using VoiceAgent.Conversation.Transcript;

namespace VoiceAgent.Storage.Sessions;

/// <summary>
/// The live state of one call as the session store keeps it: enough for another instance to carry the call on
/// (failover) or for a caller who rings back to pick up where they left off.
/// </summary>
public sealed record SessionSnapshot
{
    /// <summary>The carrier's call id; the store's key.</summary>
    public required string CallSid { get; init; }
    public required string Transport { get; init; }
    public SessionStatus Status { get; init; } = SessionStatus.Active;
    /// <summary>Keyed HMAC of the caller ID (never the number itself); the per-caller index key.</summary>
    public string? CallerKey { get; init; }
    /// <summary>The caller's number as the carrier sent it (needed to render the call context again).</summary>
    public string? From { get; init; }
    public string? To { get; init; }
    public string? AccountSid { get; init; }
    public string? Locale { get; init; }
    public IReadOnlyDictionary<string, string> Parameters { get; init; } = new Dictionary<string, string>();
    /// <summary>The call-context entry the model sees (caller details, custom parameters, an earlier call).</summary>
    public string? CallContext { get; init; }
    /// <summary>The history window the model sees, oldest first, capped at the store's turn limit.</summary>
    public IReadOnlyList<SessionTurn> Turns { get; init; } = [];
    /// <summary>
    /// The call's whole transcript so far (never capped, unlike <see cref="Turns"/>), so the instance that ends a call
    /// which moved between instances archives every entry, including those recorded on an instance that died.
    /// </summary>
    public IReadOnlyList<TranscriptEntry> Transcript { get; init; } = [];
    /// <summary>Caller turns taken so far on this call (not capped).</summary>
    public int TurnCount { get; init; }
    /// <summary>The caller's recording/transcript consent decision, when one was asked (<c>granted</c>, <c>declined</c>).</summary>
    public string? ConsentDecision { get; init; }
    /// <summary>Hand-off data of an <c>end</c> the agent sent (the call is leaving for a person or ending).</summary>
    public string? PendingHandoff { get; init; }
    /// <summary>The instance that wrote this snapshot last.</summary>
    public string? Instance { get; init; }
    public DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>This snapshot keeping only the last <paramref name="maxTurns"/> caller turns and what followed them.</summary>
    public SessionSnapshot CappedTo(int maxTurns)
    {
        var users = 0;
        for (var i = Turns.Count - 1; i >= 0; i--)
        {
            if (Turns[i].Role != SessionTurn.UserRole || ++users <= maxTurns) continue;
            return this with { Turns = Turns.Skip(i + 1).SkipWhile(t => t.Role != SessionTurn.UserRole).ToArray() };
        }
        return this;
    }
}

/// <summary>One entry of the history window: who spoke, the text, and whether the agent was cut off.</summary>
public sealed record SessionTurn(string Role, string Text, bool Interrupted)
{
    public const string UserRole = "user";
    public const string AssistantRole = "assistant";
}

/// <summary>Whether the call may still be resumed by the carrier.</summary>
public enum SessionStatus
{
    /// <summary>The call is live (or its instance died or was drained): a new socket for this CallSid resumes it.</summary>
    Active,
    /// <summary>The call ended normally (hang-up, end_call, hand-off): never resumed; kept only for a call-back offer.</summary>
    Ended,
}
