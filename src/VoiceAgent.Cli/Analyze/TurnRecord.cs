namespace VoiceAgent.Cli.Analyze;

/// <summary>One turn as the server's JSON log tells it: its summary line (2001) joined with, on the audio path,
/// its first-audio line (5010) by CallId and TurnId. A hop the log does not carry is absent from <see cref="Hops"/>.</summary>
internal sealed class TurnRecord(string callId, int turnId)
{
    public string CallId { get; } = callId;
    public int TurnId { get; } = turnId;
    public string? Transport { get; set; }
    public string? Outcome { get; set; }
    /// <summary>Time of the turn's summary line (or of its first-audio line if there is no summary).</summary>
    public DateTimeOffset Timestamp { get; set; }
    public bool HasSummary { get; set; }
    public Dictionary<string, double> Hops { get; } = new(StringComparer.Ordinal);
}
