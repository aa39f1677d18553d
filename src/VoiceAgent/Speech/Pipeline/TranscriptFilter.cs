namespace VoiceAgent.Speech.Pipeline;

/// <summary>
/// Decides whether a final transcript reaches the model. Pure, so each rule is testable on its own:
/// low-confidence finals are dropped, and so are single-word finals ("Yeah.", "Mm-hmm.") heard just after the
/// agent stopped talking: on a phone line those are mostly the tail of our own voice or a reflex, not a turn.
/// </summary>
internal static class TranscriptFilter
{
    public static TranscriptVerdict Judge(string text, double confidence, TimeSpan? sinceAgentStopped, SpeechPipelineOptions options)
    {
        var trimmed = text.Trim();
        if (trimmed.Length == 0) return TranscriptVerdict.Empty;
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
}
