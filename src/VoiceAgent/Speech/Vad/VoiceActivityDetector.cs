namespace VoiceAgent.Speech.Vad;

/// <summary>
/// Caller voice-activity detection for turn-taking and barge-in, one instance per call, fed every inbound
/// 20 ms frame in order (8 kHz or 16 kHz PCM16) and told about every frame played to the caller.
/// Per frame it measures the 300–3400 Hz band level (<see cref="SpeechBandFilter"/>), compares it with an
/// adaptive noise floor (<see cref="NoiseFloorTracker"/>) and, during playback, with the strongest plausible
/// echo (<see cref="EchoGuard"/>); a frame may start speech only if it is also periodic like voiced speech
/// (<see cref="VoicingEstimator"/>). <see cref="SpeechSegmenter"/> turns that into events with a minimum
/// speech duration and a hang-over. Allocation-free per frame; not thread-safe.
/// </summary>
internal sealed class VoiceActivityDetector
{
    /// <summary>Frame duration this detector works in.</summary>
    public const int FrameMs = 20;

    private const float ProbabilitySlopeDb = 1.5f;
    private const float VoicingSlope = 0.05f;

    private readonly VadOptions _options;
    private readonly SpeechBandFilter _inboundFilter;
    private readonly SpeechBandFilter _playbackFilter;
    private readonly VoicingEstimator _voicing;
    private readonly NoiseFloorTracker _floor;
    private readonly EchoGuard? _echo;
    private readonly SpeechSegmenter _segmenter;
    private readonly float[] _band;
    private readonly float _startThresholdDb;
    private readonly float _continueThresholdDb;
    private readonly float _minLevelDbfs;
    private readonly float _voicingThreshold;
    private long _frame;

    /// <summary>Creates a detector for one call's inbound audio at <paramref name="sampleRate"/> (8000 or 16000).</summary>
    /// <exception cref="ArgumentException"><paramref name="options"/> are invalid; the message lists every problem.</exception>
    public VoiceActivityDetector(VadOptions options, int sampleRate)
    {
        ArgumentNullException.ThrowIfNull(options);
        IReadOnlyList<string> errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid VAD options: " + string.Join(" ", errors), nameof(options));
        }

        if (sampleRate is not (8000 or 16000))
        {
            throw new ArgumentOutOfRangeException(nameof(sampleRate), $"The detector runs at 8000 or 16000 Hz; got {sampleRate} Hz.");
        }

        _options = options;
        SampleRate = sampleRate;
        FrameSamples = sampleRate * FrameMs / 1000;
        _band = new float[FrameSamples];
        _inboundFilter = new SpeechBandFilter(sampleRate);
        _playbackFilter = new SpeechBandFilter(sampleRate);
        _voicing = new VoicingEstimator(VoicingEstimator.SampleRate * FrameMs / 1000);
        _floor = new NoiseFloorTracker(options, FrameMs);
        _echo = options.EchoGuardEnabled ? new EchoGuard(options, FrameMs) : null;
        _segmenter = new SpeechSegmenter(options, FrameMs);
        _startThresholdDb = (float)options.StartThresholdDb;
        _continueThresholdDb = (float)options.ContinueThresholdDb;
        _minLevelDbfs = (float)options.MinSpeechLevelDbfs;
        _voicingThreshold = (float)options.VoicingThreshold;
        LevelDbfs = NoiseFloorTracker.MinFloorDbfs;
    }

    /// <summary>The settings this detector runs with.</summary>
    public VadOptions Options => _options;

    public int SampleRate { get; }

    /// <summary>Samples in one 20 ms frame: 160 at 8 kHz, 320 at 16 kHz.</summary>
    public int FrameSamples { get; }

    /// <summary>Whether the caller is currently speaking (between SpeechStarted and SpeechEnded).</summary>
    public bool IsSpeaking => _segmenter.IsSpeaking;

    /// <summary>Audio time processed so far: the end of the last frame.</summary>
    public TimeSpan Position => TimeSpan.FromTicks(_frame * FrameMs * TimeSpan.TicksPerMillisecond);

    /// <summary>
    /// Speech likelihood of the last frame, 0–1: the weakest of its pieces of evidence (level above floor, absolute
    /// level, level above echo, and voicing while not yet speaking), each a logistic around its threshold.
    /// A frame counts as speech when this is at least ½.
    /// </summary>
    public float SpeechProbability { get; private set; }

    /// <summary>Band level (300–3400 Hz) of the last frame in dBFS.</summary>
    public float LevelDbfs { get; private set; }

    /// <summary>The tracked noise floor in dBFS.</summary>
    public float NoiseFloorDbfs => _floor.FloorDbfs;

    /// <summary>Periodicity of the last frame, 0–1, or null when it was not needed to decide.</summary>
    public float? Voicing { get; private set; }

    /// <summary>The level the last frame had to exceed to count as caller speech rather than echo, or null without recent playback.</summary>
    public float? EchoThresholdDbfs { get; private set; }

    /// <summary>The measured echo-return loss in dB, or null while unknown.</summary>
    public float? EchoReturnLossDb => _echo?.MeasuredReturnLossDb;

    /// <summary>The measured echo delay, or null while unknown.</summary>
    public TimeSpan? EchoDelay => _echo?.MeasuredDelayFrames is int frames ? TimeSpan.FromMilliseconds(frames * FrameMs) : null;

    /// <summary>
    /// Analyses the next inbound frame of exactly <see cref="FrameSamples"/> samples and returns the transition it
    /// causes (<see cref="VadEvent.None"/> for most frames).
    /// </summary>
    /// <param name="frame">The inbound frame (after echo cancellation, when it runs).</param>
    /// <param name="callerOverEcho">
    /// An echo canceller upstream, converged on the echo path, established double talk for this frame: the caller is
    /// talking over an echo it has taken out. The level-based echo check then stands down for the frame (it would hold a
    /// caller only 6 dB over the echo near its threshold) and learns nothing from it; noise and voicing checks still apply.
    /// </param>
    public VadEvent Process(ReadOnlySpan<short> frame, bool callerOverEcho = false)
    {
        CheckFrame(frame);
        float level = SpeechBandFilter.ToDbfs(_inboundFilter.Process(frame, _band));
        FeedVoicing();

        float floor = _floor.FloorDbfs;
        float echoThreshold = _echo?.ThresholdDbfs(_frame) ?? float.NegativeInfinity;
        bool playbackRecent = !float.IsNegativeInfinity(echoThreshold);
        bool echoActive = playbackRecent && !callerOverEcho;
        EchoThresholdDbfs = echoActive ? echoThreshold : null;

        float aboveFloor = level - floor;
        float common = MathF.Min(Logistic(level - _minLevelDbfs, ProbabilitySlopeDb), echoActive ? Logistic(level - echoThreshold, ProbabilitySlopeDb) : 1f);
        float continueP = MathF.Min(common, Logistic(aboveFloor - _continueThresholdDb, ProbabilitySlopeDb));

        // Hysteresis within an onset too: once a strong frame has begun a run, voiced frames above the lower
        // continue threshold extend it (the second syllable of "hel-lo" in noise is often weaker than the first).
        float startP = _segmenter.IsOnsetPending ? continueP : MathF.Min(common, Logistic(aboveFloor - _startThresholdDb, ProbabilitySlopeDb));

        Voicing = null;
        if (!_segmenter.IsSpeaking && startP >= 0.5f && _voicingThreshold > 0)
        {
            float voicing = _voicing.Measure();
            Voicing = voicing;
            startP = MathF.Min(startP, Logistic(voicing - _voicingThreshold, VoicingSlope));
        }

        bool startEvidence = startP >= 0.5f;
        bool continueEvidence = continueP >= 0.5f;
        SpeechProbability = _segmenter.IsSpeaking ? continueP : startP;
        LevelDbfs = level;

        VadEvent result = _segmenter.Update(_frame, startEvidence, continueEvidence, level);

        _floor.Update(level, explainedByEcho: playbackRecent);
        if (echoActive)
        {
            _echo!.Observe(_frame, level, echoThreshold, countedAsSpeech: continueEvidence || _segmenter.IsSpeaking);
        }

        _frame++;
        return result;
    }

    /// <summary>
    /// Tells the detector that <paramref name="playedFrame"/> (exactly <see cref="FrameSamples"/> samples at the same
    /// rate) was sent to the caller. Frames sent ahead of real time are queued behind earlier ones. Called exactly once
    /// before each <see cref="Process"/> with what was playing while that inbound frame was captured, it is that frame's
    /// reference (the speech pipeline does this from the carrier's timeline).
    /// </summary>
    public void ObservePlayback(ReadOnlySpan<short> playedFrame)
    {
        CheckFrame(playedFrame);
        if (_echo is null)
        {
            return;
        }

        float level = SpeechBandFilter.ToDbfs(_playbackFilter.Process(playedFrame, _band));
        _echo.RecordPlayback(_frame, level);
    }

    /// <summary>Tells the detector that queued playback was discarded (e.g. after a barge-in <c>clear</c>).</summary>
    public void ClearPlayback() => _echo?.ClearQueued(_frame);

    private void FeedVoicing()
    {
        _voicing.Advance();
        Span<float> target = _voicing.Frame;
        if (SampleRate == VoicingEstimator.SampleRate)
        {
            _band.AsSpan(0, target.Length).CopyTo(target);
            return;
        }

        // 16 kHz: the band filter's 3.4 kHz low-pass is the anti-alias filter; keep every second sample.
        for (int i = 0; i < target.Length; i++)
        {
            target[i] = _band[2 * i];
        }
    }

    private void CheckFrame(ReadOnlySpan<short> frame)
    {
        if (frame.Length != FrameSamples)
        {
            throw new ArgumentException($"Expected a 20 ms frame of {FrameSamples} samples at {SampleRate} Hz; got {frame.Length}. Re-frame with AudioFrameAssembler.", nameof(frame));
        }
    }

    private static float Logistic(float x, float slope) => 1f / (1f + MathF.Exp(-x / slope));
}
