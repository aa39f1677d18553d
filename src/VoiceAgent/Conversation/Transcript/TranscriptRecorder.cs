namespace VoiceAgent.Conversation.Transcript;

/// <summary>
/// The whole transcript of one call, fed by <see cref="CallSession"/> (its one writer) as things happen: caller
/// utterances, agent replies as heard, interruptions, digits, actions. Separate from the model's history window,
/// which drops old turns. Only appends to a list; never touches the socket or the model stream. One entry keeps at
/// most <paramref name="maxTextChars"/> characters of text (<see cref="History.StoredTextCap"/>).
/// </summary>
internal sealed class TranscriptRecorder(TimeProvider clock, int maxTextChars = History.StoredTextCap.DefaultMaxChars)
{
    private readonly List<TranscriptEntry> _entries = [];
    private CallInfo? _call;
    private DateTimeOffset _startedAt = clock.GetUtcNow();
    private string? _handoffCode;
    private string? _handoffReason;
    private int _turns;

    public IReadOnlyList<TranscriptEntry> Entries => _entries;

    /// <summary>Goes up on every change; the session store is written only when it (or the history) moved.</summary>
    public int Version { get; private set; }

    public void Started(CallInfo call)
    {
        _call = call;
        _startedAt = clock.GetUtcNow();
    }

    /// <summary>
    /// Carries on the transcript of a call resumed from the session store (its instance died or was drained): the
    /// entries recorded so far, on whichever instance, come first; what is said from now on follows them.
    /// </summary>
    public void Restore(IReadOnlyList<TranscriptEntry> entries, DateTimeOffset startedAt, int turns)
    {
        _entries.Clear();
        _entries.AddRange(entries);
        _startedAt = startedAt;
        _turns = turns;
        Version++;
    }

    public void Caller(string text)
    {
        _turns++;
        Add(TranscriptEntryKind.Caller, text);
    }

    public void Agent(string text)
    {
        if (text.Length > 0) Add(TranscriptEntryKind.Agent, text);
    }

    /// <summary>A reply the caller talked over: <paramref name="heard"/> is what reached them.</summary>
    public void AgentInterrupted(string heard, string full)
    {
        _entries.Add(new(clock.GetUtcNow(), TranscriptEntryKind.Agent, Cap(heard), Interrupted: true, FullText: Cap(full)));
        Version++;
    }

    /// <summary>The last agent reply, already recorded as complete, turns out to have been talked over.</summary>
    public void LastAgentInterrupted(string heard)
    {
        var index = _entries.FindLastIndex(e => e.Kind == TranscriptEntryKind.Agent);
        if (index < 0) return;
        _entries[index] = _entries[index] with { Text = Cap(heard), Interrupted = true, FullText = _entries[index].Text };
        Version++;
    }

    /// <summary>A barge-in that produced no words: the last reply was heard in full after all.</summary>
    public void LastAgentResumed()
    {
        var index = _entries.FindLastIndex(e => e.Kind == TranscriptEntryKind.Agent);
        if (index < 0 || _entries[index] is not { Interrupted: true, FullText: { } full }) return;
        _entries[index] = _entries[index] with { Text = full, Interrupted = false, FullText = null };
        Version++;
    }

    public void Digit(string digit)
    {
        _turns++;
        Add(TranscriptEntryKind.Digit, digit);
    }

    public void Action(string description) => Add(TranscriptEntryKind.Action, description);

    public void HandedOff(string reasonCode, string reason)
    {
        _handoffCode = reasonCode;
        _handoffReason = reason;
        Version++;
    }

    /// <summary>The call's record; null when the call never started (no carrier call id to file it under).</summary>
    public CallRecord? Finish(string transport, string? endedReason)
    {
        if (_call is null) return null;
        return new CallRecord
        {
            CallSid = _call.CallSid,
            Transport = transport,
            From = _call.From,
            To = _call.To,
            Direction = _call.Direction,
            StartedAt = _startedAt,
            EndedAt = clock.GetUtcNow(),
            Outcome = _handoffCode ?? "completed",
            EndedReason = endedReason,
            HandoffReason = _handoffReason,
            TurnCount = _turns,
            Parameters = _call.Parameters,
            Entries = _entries.ToArray(),
        };
    }

    private void Add(TranscriptEntryKind kind, string text)
    {
        _entries.Add(new(clock.GetUtcNow(), kind, Cap(text)));
        Version++;
    }

    private string Cap(string text) => History.StoredTextCap.Apply(text, maxTextChars);
}
