namespace VoiceAgent.Speech.Vad;

/// <summary>
/// Settings of the voice-activity detector that runs beside playback for turn-taking and barge-in.
/// Levels are band energy (300–3400 Hz) in dBFS; thresholds are dB above the tracked noise floor.
/// Check with <see cref="Validate"/> at start-up.
/// </summary>
public sealed record VadOptions
{
    /// <summary>A frame can start speech only this far above the noise floor.</summary>
    public double StartThresholdDb { get; init; } = 9.0;

    /// <summary>Once speaking, a frame keeps speech going while this far above the noise floor (hysteresis).</summary>
    public double ContinueThresholdDb { get; init; } = 5.0;

    /// <summary>Frames quieter than this are never speech, whatever the noise floor.</summary>
    public double MinSpeechLevelDbfs { get; init; } = -55.0;

    /// <summary>
    /// Periodicity (peak normalised autocorrelation over 70–400 Hz pitch lags, 0–1) a frame needs to start speech.
    /// Voiced speech scores 0.6–0.95; white, pink and line noise stay below 0.35.
    /// </summary>
    public double VoicingThreshold { get; init; } = 0.45;

    /// <summary>Speech evidence needed before <c>SpeechStarted</c>; shorter sounds (clicks, coughs, bursts) are ignored.</summary>
    public int MinSpeechMs { get; init; } = 200;

    /// <summary>Silence needed after speech before <c>SpeechEnded</c>.</summary>
    public int HangoverMs { get; init; } = 500;

    /// <summary>Time constant with which the noise floor follows a quieter signal down.</summary>
    public int NoiseFloorFallMs { get; init; } = 80;

    /// <summary>Time constant with which the noise floor rises under steady (stationary) sound such as line noise or hum.</summary>
    public int NoiseFloorFastRiseMs { get; init; } = 500;

    /// <summary>Time constant with which the noise floor rises under fluctuating sound such as speech.</summary>
    public int NoiseFloorSlowRiseMs { get; init; } = 10_000;

    /// <summary>A signal whose level varies by less than this (standard deviation over 200 ms) counts as stationary noise.</summary>
    public double StationaryDeviationDb { get; init; } = 1.5;

    /// <summary>Whether inbound sound explained by our own playback (echo) is kept from counting as caller speech.</summary>
    public bool EchoGuardEnabled { get; init; } = true;

    /// <summary>Echo-return loss assumed until it is measured: how much quieter the echo is than what we played.</summary>
    public double EchoReturnLossDb { get; init; } = 6.0;

    /// <summary>Inbound speech must exceed the strongest plausible echo by this much during playback.</summary>
    public double EchoMarginDb { get; init; } = 3.0;

    /// <summary>Shortest delay between sending a frame and hearing its echo.</summary>
    public int EchoMinDelayMs { get; init; } = 40;

    /// <summary>Longest delay between sending a frame and hearing its echo.</summary>
    public int EchoMaxDelayMs { get; init; } = 400;

    /// <summary>Whether to measure the echo delay and return loss from how inbound level follows playback level.</summary>
    public bool EchoAdaptive { get; init; } = true;

    /// <summary>Playback that may be queued ahead of real time (sent faster than it plays) and still be tracked.</summary>
    public int MaxQueuedPlaybackMs { get; init; } = 30_000;

    /// <summary>Every problem with these settings, each with a hint; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (StartThresholdDb is < 0 or > 40)
        {
            errors.Add($"{nameof(StartThresholdDb)} is {StartThresholdDb}; use 0–40 dB above the noise floor (default 9).");
        }

        if (ContinueThresholdDb < 0 || ContinueThresholdDb > StartThresholdDb)
        {
            errors.Add($"{nameof(ContinueThresholdDb)} is {ContinueThresholdDb}; use 0 dB up to {nameof(StartThresholdDb)} ({StartThresholdDb}) so hysteresis keeps speech going (default 5).");
        }

        if (MinSpeechLevelDbfs is < -100 or > 0)
        {
            errors.Add($"{nameof(MinSpeechLevelDbfs)} is {MinSpeechLevelDbfs}; use −100 to 0 dBFS (default −55).");
        }

        if (VoicingThreshold is < 0 or >= 1)
        {
            errors.Add($"{nameof(VoicingThreshold)} is {VoicingThreshold}; use 0 (off) up to below 1 (default 0.45).");
        }

        if (MinSpeechMs < 20 || MinSpeechMs > 5_000)
        {
            errors.Add($"{nameof(MinSpeechMs)} is {MinSpeechMs}; use 20–5000 ms, at least one 20 ms frame (default 200).");
        }

        if (HangoverMs < 20 || HangoverMs > 10_000)
        {
            errors.Add($"{nameof(HangoverMs)} is {HangoverMs}; use 20–10000 ms (default 500).");
        }

        if (NoiseFloorFallMs < 20 || NoiseFloorFastRiseMs < NoiseFloorFallMs || NoiseFloorSlowRiseMs < NoiseFloorFastRiseMs)
        {
            errors.Add($"Noise-floor time constants must satisfy 20 ≤ {nameof(NoiseFloorFallMs)} ({NoiseFloorFallMs}) ≤ {nameof(NoiseFloorFastRiseMs)} ({NoiseFloorFastRiseMs}) ≤ {nameof(NoiseFloorSlowRiseMs)} ({NoiseFloorSlowRiseMs}) ms (defaults 80, 500, 10000).");
        }

        if (StationaryDeviationDb is < 0 or > 10)
        {
            errors.Add($"{nameof(StationaryDeviationDb)} is {StationaryDeviationDb}; use 0 (never) to 10 dB (default 1.5).");
        }

        if (EchoReturnLossDb is < -10 or > 60)
        {
            errors.Add($"{nameof(EchoReturnLossDb)} is {EchoReturnLossDb}; use −10 to 60 dB, lower is safer (default 6).");
        }

        if (EchoMarginDb is < 0 or > 30)
        {
            errors.Add($"{nameof(EchoMarginDb)} is {EchoMarginDb}; use 0–30 dB (default 3).");
        }

        if (EchoMinDelayMs < 0 || EchoMaxDelayMs < EchoMinDelayMs || EchoMaxDelayMs > 2_000)
        {
            errors.Add($"Echo delays must satisfy 0 ≤ {nameof(EchoMinDelayMs)} ({EchoMinDelayMs}) ≤ {nameof(EchoMaxDelayMs)} ({EchoMaxDelayMs}) ≤ 2000 ms (defaults 40 and 400).");
        }

        if (MaxQueuedPlaybackMs < 0 || MaxQueuedPlaybackMs > 600_000)
        {
            errors.Add($"{nameof(MaxQueuedPlaybackMs)} is {MaxQueuedPlaybackMs}; use 0–600000 ms (default 30000, Vonage buffers about 20 s).");
        }

        return errors;
    }
}
