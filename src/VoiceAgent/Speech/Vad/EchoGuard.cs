namespace VoiceAgent.Speech.Vad;

/// <summary>
/// Keeps our own voice, leaking back into the caller channel, from counting as caller speech. During and
/// shortly after playback an inbound frame must be louder than the strongest plausible echo by a margin.
/// The strongest plausible echo is, from the best knowledge available:
/// <list type="number">
/// <item>once <see cref="EchoPathEstimator"/> has found the echo (a strongly correlated delay), the loudest frame
/// played around the measured delay less the measured loss (less a safety allowance);</item>
/// <item>once it has seen enough playback without finding one, the loudest frame played anywhere in the delay
/// window less the measured lower bound on the loss (large when the network cancels the echo);</item>
/// <item>before that, the loudest frame played in the delay window less the assumed loss.</item>
/// </list>
/// A caller talking over the agent louder than the echo still gets through, which is what barge-in needs.
/// </summary>
internal sealed class EchoGuard
{
    /// <summary>Subtracted from a measured echo-return loss, since a mean underestimates the loudest echo frames.</summary>
    private const float MeasuredLossSafetyDb = 3f;

    private const float MinReturnLossDb = -10f;
    private const float MaxReturnLossDb = 40f;
    private const float AudiblePlaybackDbfs = -65f;

    /// <summary>Inbound louder than the predicted echo for this long, without being caller speech, means the echo path changed.</summary>
    private const int RelearnAfterMs = 3000;

    /// <summary>"Speech" whose level stays this steady relative to what we played, over <see cref="EchoLikeFrames"/> frames, is echo.</summary>
    private const float EchoLikeDeviationDb = 2.5f;

    private const int EchoLikeFrames = 12;

    /// <summary>
    /// Frames either side of the measured delay searched for the loudest played frame. A caller that reports playback as
    /// it sends (<see cref="VoiceActivityDetector.ObservePlayback"/> queued on the inbound frame count) places it by how
    /// far the inbound read loop has got, which lags true playout by a frame or three under load, so the echo of one
    /// sentence can sit a few frames off the delay measured on an earlier one. The speech pipeline reports what was
    /// playing on the carrier's own clock, one frame per inbound frame, and needs the slack only for the grid rounding
    /// and the network's jitter.
    /// </summary>
    internal const int AlignmentJitterFrames = 3;

    private readonly PlaybackHistory _history;
    private readonly EchoPathEstimator? _estimator;
    private readonly int _minDelay;
    private readonly int _maxDelay;
    private readonly float _assumedLossDb;
    private readonly float _marginDb;
    private readonly int _relearnAfterFrames;
    private readonly LevelRun _echoLikeRun = new(EchoLikeFrames);
    private int _doubleTalkFrames;

    public EchoGuard(VadOptions options, int frameMs)
    {
        _minDelay = options.EchoMinDelayMs / frameMs;
        _maxDelay = (options.EchoMaxDelayMs + frameMs - 1) / frameMs;
        _assumedLossDb = (float)options.EchoReturnLossDb;
        _marginDb = (float)options.EchoMarginDb;
        _history = new PlaybackHistory(_maxDelay + AlignmentJitterFrames + 1, options.MaxQueuedPlaybackMs / frameMs);
        _estimator = options.EchoAdaptive ? new EchoPathEstimator(_minDelay, _maxDelay, frameMs) : null;
        _relearnAfterFrames = RelearnAfterMs / frameMs;
    }

    /// <summary>The measured echo-return loss, or null while the echo path is unknown.</summary>
    public float? MeasuredReturnLossDb => _estimator is { IsConfident: true } e ? e.ReturnLossDb : null;

    /// <summary>The measured echo delay in frames, or null while the echo path is unknown.</summary>
    public int? MeasuredDelayFrames => _estimator is { IsConfident: true } e ? e.DelayFrames : null;

    /// <summary>Queues a frame played to the caller while inbound frame <paramref name="currentFrame"/> is next.</summary>
    public void RecordPlayback(long currentFrame, float levelDbfs) => _history.Record(currentFrame, levelDbfs);

    /// <summary>Drops playback that was queued but cleared before it played.</summary>
    public void ClearQueued(long currentFrame) => _history.ClearQueued(currentFrame);

    /// <summary>
    /// The level inbound frame <paramref name="frame"/> must exceed to count as caller speech, or
    /// <see cref="float.NegativeInfinity"/> when nothing audible was played recently enough to echo.
    /// </summary>
    public float ThresholdDbfs(long frame)
    {
        float windowMax = WindowMax(frame);
        if (windowMax < AudiblePlaybackDbfs)
        {
            return float.NegativeInfinity;
        }

        float echoDbfs;
        if (_estimator is { IsConfident: true } found)
        {
            long centre = frame - found.DelayFrames;
            echoDbfs = _history.MaxLevel(centre - AlignmentJitterFrames, centre + AlignmentJitterFrames) - MeasuredLoss(found.ReturnLossDb);
        }
        else if (_estimator is { HasEnoughData: true } bounded)
        {
            echoDbfs = windowMax - MeasuredLoss(bounded.LossLowerBoundDb);
        }
        else
        {
            echoDbfs = windowMax - _assumedLossDb;
        }

        return echoDbfs + _marginDb;
    }

    /// <summary>The loudest frame played early enough to echo in <paramref name="frame"/> (alignment jitter of slack each side).</summary>
    private float WindowMax(long frame) => _history.MaxLevel(frame - _maxDelay - AlignmentJitterFrames, frame - _minDelay + AlignmentJitterFrames);

    private static float MeasuredLoss(float lossDb) => Math.Clamp(lossDb - MeasuredLossSafetyDb, MinReturnLossDb, MaxReturnLossDb);

    /// <summary>
    /// Takes in the outcome of an inbound frame during playback, to keep the echo path measurement right.
    /// A frame not counted as speech is learned from, except that once the echo is found a frame louder than the
    /// echo it predicts is probably the caller talking too quietly to pass the guard (double talk) and is left
    /// out, so it cannot talk the measured loss down. Frames counted as speech are checked the other way round:
    /// real caller speech rises and falls independently of our playback, so if the "speech" keeps a fixed level
    /// below what we are playing, frame after frame, it is our own echo grown louder (say, the caller switched to
    /// speaker-phone). Either way, a changed echo path is forgotten and measured afresh.
    /// </summary>
    /// <param name="frame">The inbound frame.</param>
    /// <param name="inboundDbfs">Its band level.</param>
    /// <param name="thresholdDbfs">What <see cref="ThresholdDbfs"/> returned for it.</param>
    /// <param name="countedAsSpeech">Whether the detector took it as caller speech (or the caller is speaking).</param>
    public void Observe(long frame, float inboundDbfs, float thresholdDbfs, bool countedAsSpeech)
    {
        if (_estimator is null)
        {
            return;
        }

        if (countedAsSpeech)
        {
            WatchForEchoPosingAsSpeech(frame, inboundDbfs);
            return;
        }

        _echoLikeRun.Clear();
        if (_estimator.IsConfident && inboundDbfs > thresholdDbfs - _marginDb)
        {
            if (++_doubleTalkFrames >= _relearnAfterFrames)
            {
                Relearn();
            }

            return;
        }

        _doubleTalkFrames = 0;
        _estimator.Learn(_history, frame, inboundDbfs);
    }

    private void WatchForEchoPosingAsSpeech(long frame, float inboundDbfs)
    {
        if (_estimator is not { IsConfident: true } found)
        {
            return;
        }

        long centre = frame - found.DelayFrames;
        float played = _history.MaxLevel(centre - AlignmentJitterFrames, centre + AlignmentJitterFrames);
        if (played < AudiblePlaybackDbfs)
        {
            _echoLikeRun.Clear();
            return;
        }

        _echoLikeRun.Add(inboundDbfs - played);
        if (_echoLikeRun.IsFull && _echoLikeRun.StandardDeviation() < EchoLikeDeviationDb)
        {
            Relearn();
        }
    }

    private void Relearn()
    {
        _estimator?.Reset();
        _doubleTalkFrames = 0;
        _echoLikeRun.Clear();
    }
}
