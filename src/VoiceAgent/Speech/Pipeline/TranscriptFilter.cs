namespace VoiceAgent.Speech.Pipeline;

/// <summary>
/// Decides whether a final transcript reaches the model. Pure, so each rule is testable on its own:
/// low-confidence finals are dropped, and so are single-word finals ("Yeah.", "Mm-hmm.") heard just after the
/// agent stopped talking: on a phone line those are mostly the tail of our own voice or a reflex, not a turn. Words
/// transcribed while the agent spoke, with no caller speech heard by the echo-guarded detector, are echo bleed.
/// </summary>
internal static class TranscriptFilter
{
    public static TranscriptVerdict Judge(string text, double confidence, TimeSpan? sinceAgentStopped, SpeechPipelineOptions options, bool echoBleed = false)
    {
        var trimmed = text.Trim();
        if (trimmed.Length == 0) return TranscriptVerdict.Empty;
        if (echoBleed) return TranscriptVerdict.EchoBleed;
        if (confidence < options.MinTranscriptConfidence) return TranscriptVerdict.LowConfidence;
        if (sinceAgentStopped is { } since && since >= TimeSpan.Zero && since <= options.ArtefactWindow && WordCount(trimmed) == 1)
            return TranscriptVerdict.SilenceArtefact;
        return TranscriptVerdict.Accept;
    }

    private static int WordCount(string text) => text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
}

internal enum TranscriptVerdict
{
    Accept,
    Empty,
    LowConfidence,
    SilenceArtefact,
    /// <summary>
    /// Words STT heard while the agent was talking but our own detector never heard the caller start: the agent's
    /// voice leaking back down the line (STT transcribes echo as happily as speech).
    /// </summary>
    EchoBleed,
}
