namespace VoiceAgent.Conversation.Transcript;

/// <summary>
/// Everything kept about one call when it ends: metadata, how it ended, and its whole transcript (every turn,
/// unlike the bounded window the model sees). Handed to the records store and the end-of-call webhook.
/// </summary>
public sealed record CallRecord
{
    public required string CallSid { get; init; }
    public required string Transport { get; init; }
    public string? From { get; init; }
    public string? To { get; init; }
    public string? Direction { get; init; }
    public required DateTimeOffset StartedAt { get; init; }
    public required DateTimeOffset EndedAt { get; init; }
    /// <summary><c>completed</c>, or the hand-off reason code (<c>live-agent-handoff</c>, <c>agent-ended</c>, <c>caller-ended</c>).</summary>
    public required string Outcome { get; init; }
    /// <summary>Why the session ended as the transport saw it (e.g. the carrier closed the socket).</summary>
    public string? EndedReason { get; init; }
    /// <summary>Why the call was handed off or ended by the agent, when it was.</summary>
    public string? HandoffReason { get; init; }
    /// <summary>Caller utterances and key presses that reached the agent.</summary>
    public int TurnCount { get; init; }
    public IReadOnlyDictionary<string, string> Parameters { get; init; } = new Dictionary<string, string>();
    public IReadOnlyList<TranscriptEntry> Entries { get; init; } = [];
    /// <summary>What the call cost, from its usage and the price table; null when it was not computed.</summary>
    public Observability.Cost.CallCost? Cost { get; init; }
    /// <summary>The caller opted out (or never answered the consent prompt): <see cref="Entries"/> is empty and nothing may be kept.</summary>
    public bool TranscriptWithheld { get; init; }

    public TimeSpan Duration => EndedAt - StartedAt;
}
