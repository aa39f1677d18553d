using System.Text;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using VoiceAgent.Observability;
using VoiceAgent.Storage.Sessions;

namespace VoiceAgent.Conversation;

/// <summary>
/// The call's side of the session store: after every event that changed the history, a snapshot is handed to the
/// background writer (queued, never awaited); at the start of a call the store is asked whether this CallSid is
/// coming back (failover: resume with its history and a short reconnect line) or whether the caller rang back
/// within the call-back window (offer to continue, with the earlier call as context).
/// </summary>
internal sealed partial class CallSession
{
    private CallInfo? _call;
    /// <summary>The caller's index key, computed once per call (an HMAC; the caller ID does not change).</summary>
    private (CallInfo Call, string? Key)? _callerKey;
    private int _turnCount;
    private int _persistedVersion = -1;
    private int _persistedTranscriptVersion = -1;
    private bool _endedNormally;
    private volatile bool _endSent;
    private volatile string? _pendingHandoff;
    private DateTimeOffset _startedAt;
    private string? _consentDecision;

    /// <summary>Caller turns taken on this call, including those before a failover.</summary>
    public int TurnCount => _turnCount;

    /// <summary>The store's answer for this call when the transport did not bring one: one read, resume first.</summary>
    private async ValueTask<SessionLookup> LookUpAsync(CallInfo call, CancellationToken ct)
        => _deps.Sessions is { } sessions ? await sessions.LookUpAsync(call.CallSid, call.From, ct) : SessionLookup.None;

    private bool TryResume(CallInfo call, SessionSnapshot? snapshot)
    {
        _call = call;
        _startedAt = _deps.Clock.GetUtcNow();
        if (_deps.Sessions is null || snapshot is null) return false;
        _history.SetCallContext(snapshot.CallContext ?? RenderCallContext(call));
        _history.Restore(snapshot.Turns.Select(t => new ConversationHistory.Entry(
            t.Role == SessionTurn.UserRole ? ChatRole.User : ChatRole.Assistant, t.Text, t.Interrupted)));
        // The carrier says the reconnect line (welcomeGreeting of the resume TwiML); the model should know it was said.
        _history.AddAssistant(_deps.Agent.ReconnectLine, interrupted: false);
        _lastFullReply = _deps.Agent.ReconnectLine;
        _turnCount = snapshot.TurnCount;
        _startedAt = snapshot.StartedAt;
        // The transcript so far (recorded on whichever instance) comes first; the reconnect line the caller hears follows it.
        _transcript.Restore(snapshot.Transcript, snapshot.StartedAt, snapshot.TurnCount);
        _transcript.Agent(_deps.Agent.ReconnectLine);
        _consentDecision = snapshot.ConsentDecision;
        _resumed = true;
        LogSessionResumed(_logger, CallId, snapshot.Turns.Count, snapshot.Instance ?? "?");
        return true;
    }

    /// <summary>The earlier call, appended to the call context so the model can pick it up if the caller wants.</summary>
    private string RenderPreviousCall(SessionSnapshot previous)
    {
        var minutes = Math.Max(0, (int)(_deps.Clock.GetUtcNow() - previous.UpdatedAt).TotalMinutes);
        var sb = new StringBuilder("\n[The same caller called ").Append(minutes).Append(" minute(s) ago; the greeting offered to continue. That call ended with:]");
        foreach (var turn in previous.Turns)
            sb.Append('\n').Append(turn.Role == SessionTurn.UserRole ? "Caller: " : "Agent: ").Append(turn.Interrupted ? ConversationHistory.RenderInterrupted(turn.Text) : turn.Text);
        return sb.ToString();
    }

    private void PersistIfChanged()
    {
        if (_history.Version == _persistedVersion && _transcript.Version == _persistedTranscriptVersion) return;
        Persist(SessionStatus.Active);
    }

    /// <summary>
    /// The status of the call's last write. Ended normally (the carrier ended it, or we sent <c>end</c>): never resumed.
    /// Torn down any other way (socket lost, instance draining): stays resumable, so the carrier's callback can carry it
    /// on elsewhere.
    /// </summary>
    private SessionStatus FinalStatus => _endedNormally || _endSent ? SessionStatus.Ended : SessionStatus.Active;

    /// <summary>Hands the call's state to the background writer; returns what was handed (null: no store, or the call never started).</summary>
    private SessionSnapshot? Persist(SessionStatus status)
    {
        if (_deps.Sessions is not { } sessions || _call is not { } call) return null;
        _persistedVersion = _history.Version;
        _persistedTranscriptVersion = _transcript.Version;
        var snapshot = new SessionSnapshot
        {
            CallSid = call.CallSid,
            Transport = _transportName,
            Status = status,
            CallerKey = CallerKeyOf(sessions, call),
            From = call.From,
            To = call.To,
            AccountSid = call.AccountSid,
            Locale = call.Language ?? (call.Parameters.TryGetValue("locale", out var locale) ? locale : null),
            Parameters = call.Parameters,
            CallContext = _history.CallContext,
            Turns = SnapshotTurns(_history.Entries),
            Transcript = TranscriptMayBeKept ? _transcript.Entries.ToArray() : [], // an opted-out (or undecided) caller's words are not kept in the session store either
            TurnCount = _turnCount,
            ConsentDecision = _consentDecision,
            PendingHandoff = _pendingHandoff,
            Instance = sessions.Instance,
            StartedAt = _startedAt,
            UpdatedAt = _deps.Clock.GetUtcNow(),
        };
        sessions.Save(snapshot);
        return snapshot;
    }

    /// <summary>The history as stored: one array, no iterator or delegate per snapshot (two snapshots a turn).</summary>
    private static SessionTurn[] SnapshotTurns(IReadOnlyList<ConversationHistory.Entry> entries)
    {
        var turns = new SessionTurn[entries.Count];
        for (var i = 0; i < turns.Length; i++)
        {
            var e = entries[i];
            turns[i] = new SessionTurn(e.Role == ChatRole.User ? SessionTurn.UserRole : SessionTurn.AssistantRole, e.Text, e.Interrupted);
        }
        return turns;
    }

    private string? CallerKeyOf(SessionPersistence sessions, CallInfo call)
    {
        if (_callerKey is { } known && ReferenceEquals(known.Call, call)) return known.Key;
        var key = sessions.CallerKeyFor(call.From);
        _callerKey = (call, key);
        return key;
    }

    /// <summary>Notices the <c>end</c> the engine sends (hand-off, end_call), so the call is recorded as ended normally.</summary>
    private sealed class HandoffWatchingTransport(ICallTransport inner, CallSession session) : ICallTransport
    {
        public CallCapabilities Capabilities => inner.Capabilities;

        public ValueTask SendAsync(TransportCommand command, CancellationToken cancellationToken)
        {
            if (command is EndCall end)
            {
                session._pendingHandoff = end.HandoffData;
                session._endSent = true;
            }
            return inner.SendAsync(command, cancellationToken);
        }
    }

    [LoggerMessage(EventId = EventIds.SessionResumed, Level = LogLevel.Information, Message = "Call {CallId} resumed from the session store with {Turns} history entries (last written by {Instance})")]
    private static partial void LogSessionResumed(ILogger logger, string callId, int turns, string instance);

    [LoggerMessage(EventId = EventIds.CallbackOffered, Level = LogLevel.Information, Message = "Call {CallId}: the caller rang back within the window; offering to continue ({Turns} earlier entries in context)")]
    private static partial void LogCallbackOffered(ILogger logger, string callId, int turns);
}
