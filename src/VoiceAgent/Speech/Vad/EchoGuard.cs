namespace VoiceAgent.Speech.Vad;

/// <summary>
/// Keeps our own voice, leaking back into the caller channel, from counting as caller speech. During and
/// shortly after playback an inbound frame must be louder than the strongest plausible echo by a margin:
/// until the echo path is measured, the loudest frame played anywhere in the delay window less the assumed
/// echo-return loss; once <see cref="EchoPathEstimator"/> is confident, the loudest frame played around the
/// measured delay less the measured loss (less a safety allowance). A caller talking over the agent louder
/// than the echo still gets through, which is what barge-in needs.
/// </summary>
internal sealed class EchoGuard
{
    /// <summary>Subtracted from a measured echo-return loss, since a mean underestimates the loudest echo frames.</summary>
    private const float MeasuredLossSafetyDb = 3f;

    private const float MaxReturnLossDb = 40f;
    private const float AudiblePlaybackDbfs = -65f;

    private readonly PlaybackHistory _history;
    private readonly EchoPathEstimator? _estimator;
    private readonly int _minDelay;
    private readonly int _maxDelay;
    private readonly float _assumedLossDb;
    private readonly float _marginDb;

    public EchoGuard(VadOptions options, int frameMs)
    {
        _minDelay = options.EchoMinDelayMs / frameMs;
        _maxDelay = (options.EchoMaxDelayMs + frameMs - 1) / frameMs;
        _assumedLossDb = (float)options.EchoReturnLossDb;
        _marginDb = (float)options.EchoMarginDb;
        _history = new PlaybackHistory(_maxDelay + 2, options.MaxQueuedPlaybackMs / frameMs);
        _estimator = options.EchoAdaptive ? new EchoPathEstimator(_minDelay, _maxDelay, frameMs) : null;
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
        if (!IsPlaybackInWindow(frame))
        {
            return float.NegativeInfinity;
        }

        float echoDbfs;
        if (_estimator is { IsConfident: true } measured)
        {
            long centre = frame - measured.DelayFrames;
            float loss = MathF.Min(measured.ReturnLossDb - MeasuredLossSafetyDb, MaxReturnLossDb);
            echoDbfs = _history.MaxLevel(centre - 1, centre + 1) - loss;
        }
        else
        {
            echoDbfs = _history.MaxLevel(frame - _maxDelay - 1, frame - _minDelay + 1) - _assumedLossDb;
        }

        return echoDbfs + _marginDb;
    }

    /// <summary>Whether anything audible was played in the echo window of <paramref name="frame"/>.</summary>
    public bool IsPlaybackInWindow(long frame)
        => _history.MaxLevel(frame - _maxDelay - 1, frame - _minDelay + 1) >= AudiblePlaybackDbfs;

    /// <summary>Learns the echo path from a frame that holds no caller speech.</summary>
    public void Learn(long frame, float inboundDbfs) => _estimator?.Learn(_history, frame, inboundDbfs);
}
