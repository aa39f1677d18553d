using VoiceAgent.Speech.Vad;

namespace VoiceAgent.Speech.Pipeline;

/// <summary>Turn-taking and filtering rules of the audio path.</summary>
public sealed record SpeechPipelineOptions
{
    /// <summary>Final transcripts below this confidence are not sent to the model.</summary>
    public double MinTranscriptConfidence { get; init; } = 0.65;

    /// <summary>A single-word final this soon after the agent finished speaking is treated as a silence artefact.</summary>
    public TimeSpan ArtefactWindow { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// While the agent speaks, caller speech must last this long (from its onset) before it counts as barge-in:
    /// coughs, clicks and blips of our own echo are shorter. 300 ms leaves the detector's onset time inside the
    /// 400 ms from speech onset to <c>clear</c> that the echo matrix holds the path to (docs/echo.md).
    /// </summary>
    public TimeSpan BargeInMinSpeech { get; init; } = TimeSpan.FromMilliseconds(300);

    /// <summary>After barge-in speech ends, how long STT gets to produce words before it counts as a false interruption.</summary>
    public TimeSpan BargeInConfirmation { get; init; } = TimeSpan.FromMilliseconds(900);

    /// <summary>
    /// How much audio is kept queued at the carrier ahead of what it is playing (PLAYOUT_LEAD_MS): a reply's first
    /// frames go out as fast as they come up to this, then one per 20 ms. It absorbs our scheduling hiccups (the caller's
    /// playback runs dry only if the process stalls longer than this); it costs nothing on barge-in, since <c>clear</c>
    /// empties the carrier's buffer at once and what was heard comes from the echoed marks.
    /// </summary>
    public TimeSpan PlayoutLead { get; init; } = TimeSpan.FromMilliseconds(300);

    /// <summary>
    /// The longest a reply's speech synthesis may take to open (from its first token) before the reply is failed: the
    /// stream is opened once per reply, never per token, and a failure makes the engine apologise and hand off.
    /// </summary>
    public TimeSpan SpeechOpenBudget { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// After speech synthesis failed once on a call, the longest the apology's synthesis may take to open before the
    /// call is handed off without it.
    /// </summary>
    public TimeSpan FallbackSpeechBudget { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Run the adaptive echo canceller (<c>Speech/Echo</c>: bulk delay, NLMS, double-talk detection, residual echo
    /// suppression) on caller audio before VAD and STT, referenced to the exact frames we played, placed on the
    /// carrier's timeline. On by default, here and in the server's settings (<c>ECHO_CANCELLATION</c>, which sets it):
    /// the echo matrix misses no barge-in with it and clean lines keep every word. docs/echo.md has the matrix and the
    /// media-bench runs that decided it.
    /// </summary>
    public bool EchoCancellation { get; init; } = true;

    /// <summary>
    /// Speculative replies: start the model on a stable transcript before the end of the turn is confirmed, hold its
    /// reply (synthesised, not played) and speak it the moment the turn ends with the same words; discard it if the
    /// caller goes on.
    /// </summary>
    public SpeculationMode Speculation { get; init; } = SpeculationMode.Final;

    /// <summary>With <see cref="SpeculationMode.Stable"/>: how long interim words must stay unchanged (caller silent) before a speculation starts.</summary>
    public TimeSpan SpeculationStableFor { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Voice activity detection thresholds.</summary>
    public VadOptions Vad { get; init; } = new();

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (MinTranscriptConfidence is < 0 or > 1) errors.Add($"MinTranscriptConfidence must be 0..1 (got {MinTranscriptConfidence}).");
        if (ArtefactWindow < TimeSpan.Zero) errors.Add("ArtefactWindow must not be negative.");
        if (BargeInMinSpeech < TimeSpan.Zero) errors.Add("BargeInMinSpeech must not be negative.");
        if (BargeInConfirmation <= TimeSpan.Zero) errors.Add("BargeInConfirmation must be positive.");
        if (PlayoutLead < TimeSpan.Zero || PlayoutLead > TimeSpan.FromSeconds(1)) errors.Add("PlayoutLead must be 0..1000 ms.");
        if (SpeechOpenBudget <= TimeSpan.Zero || SpeechOpenBudget > TimeSpan.FromSeconds(30)) errors.Add("SpeechOpenBudget must be 1 ms..30 s.");
        if (FallbackSpeechBudget <= TimeSpan.Zero || FallbackSpeechBudget > TimeSpan.FromSeconds(10)) errors.Add("FallbackSpeechBudget must be 1 ms..10 s.");
        if (SpeculationStableFor < TimeSpan.FromMilliseconds(20) || SpeculationStableFor > TimeSpan.FromSeconds(5)) errors.Add("SpeculationStableFor must be 20..5000 ms.");
        errors.AddRange(Vad.Validate());
        return errors;
    }
}
