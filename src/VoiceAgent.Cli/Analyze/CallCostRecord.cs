namespace VoiceAgent.Cli.Analyze;

/// <summary>One call's per-call summary line (1050): its length, turns, and cost with the split.</summary>
internal sealed record CallCostRecord(
    string CallId,
    string? Transport,
    DateTimeOffset Timestamp,
    double DurationSeconds,
    int Turns,
    string Currency,
    double Total,
    double Carrier,
    double SpeechToText,
    double Model,
    double TextToSpeech);
