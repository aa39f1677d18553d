namespace VoiceAgent.Telephony.Handoff;

/// <summary>
/// One agent leg being dialled for a waiting caller, between the dial and the leg's final status: which leg, and whether
/// the caller already hung up (then the leg is hung up too, and its final status no longer moves anyone to voicemail).
/// Shared by the REST request and the two event webhooks, so its few fields sit behind one lock.
/// </summary>
internal sealed class PendingAgentLeg(DateTimeOffset startedAt)
{
    private readonly Lock _lock = new();
    private string? _agentLeg;
    private bool _callerGone;
    private bool _answered;

    public DateTimeOffset StartedAt => startedAt;

    public bool CallerGone { get { lock (_lock) return _callerGone; } }

    /// <summary>True once the agent picked up (the leg is in progress: hearing the brief or in the room).</summary>
    public bool IsAnswered { get { lock (_lock) return _answered; } }

    public void Answered() { lock (_lock) _answered = true; }

    /// <summary>Records the dialled leg; returns true when the caller hung up meanwhile (the leg must be hung up).</summary>
    public bool Dialled(string agentLeg)
    {
        lock (_lock)
        {
            _agentLeg = agentLeg;
            return _callerGone;
        }
    }

    /// <summary>Records that the caller hung up; returns the leg to hang up, if it was dialled already.</summary>
    public string? CallerHungUp()
    {
        lock (_lock)
        {
            _callerGone = true;
            return _agentLeg;
        }
    }
}
