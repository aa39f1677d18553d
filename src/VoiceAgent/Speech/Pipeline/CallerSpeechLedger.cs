namespace VoiceAgent.Speech.Pipeline;

/// <summary>
/// Whether the echo-guarded detector heard the caller during the utterance STT is finalising: the evidence that tells
/// a caller's words from the agent's own voice transcribed off the line (echo bleed). Fed the detector's onsets and
/// every frame's own evidence, and asked once per flushed utterance.
/// </summary>
/// <remarks>
/// What carries over a flush into the next utterance is only speech still going on in the frame just processed, not
/// the detector's speaking state: that state holds on through a hang-over after the caller stopped, and STT's final
/// often lands inside it. Carrying the hang-over over credited the *next* utterance (the echo of the reply the
/// caller's question started) with caller speech nobody heard, depending only on whether the final or the hang-over's
/// end came first; that race let echo through as a second turn, which cut the agent off with a <c>clear</c>.
/// </remarks>
internal sealed class CallerSpeechLedger
{
    private bool _heard;
    private bool _voicedNow;

    /// <summary>The detector confirmed a caller onset.</summary>
    public void SpeechStarted() => _heard = true;

    /// <summary>One inbound frame; <paramref name="voiced"/> is the frame's own evidence of caller speech (no hang-over).</summary>
    public void Frame(bool voiced)
    {
        _voicedNow = voiced;
        if (voiced) _heard = true;
    }

    /// <summary>
    /// The echo canceller suspected or found a new echo path: what the detector took for the caller so far in this
    /// utterance may be that echo, heard before the canceller knew it (a line whose echo appears mid-reply passes the
    /// detector's own level check, which learned a large loss on the clean part of the reply). That evidence is
    /// withdrawn; speech the detector hears once the path is cancelled counts again.
    /// </summary>
    public void EchoPathChanged()
    {
        _heard = false;
        _voicedNow = false;
    }

    /// <summary>An utterance was flushed. True when caller speech was heard for it; starts the next utterance's record.</summary>
    public bool Flush()
    {
        var heard = _heard;
        _heard = _voicedNow;
        return heard;
    }
}
