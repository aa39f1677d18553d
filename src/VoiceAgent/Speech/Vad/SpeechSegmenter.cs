namespace VoiceAgent.Speech.Vad;

/// <summary>
/// Turns per-frame evidence into speech segments. While silent, frames with start evidence add to an onset
/// budget, frames with only continue evidence (e.g. an unvoiced consonant) hold it, and quiet frames drain it;
/// a full budget of <see cref="VadOptions.MinSpeechMs"/> starts speech, dated from the first frame of the
/// run. While speaking, a run of <see cref="VadOptions.HangoverMs"/> without continue evidence ends it,
/// dated from the end of the last speech frame.
/// </summary>
internal sealed class SpeechSegmenter
{
    private readonly int _frameMs;
    private readonly long _frameTicks;
    private readonly int _minSpeechMs;
    private readonly int _hangoverMs;
    private int _onsetMs;
    private long _onsetFrame;
    private int _silenceMs;
    private long _lastSpeechEndFrame;

    public SpeechSegmenter(VadOptions options, int frameMs)
    {
        _frameMs = frameMs;
        _frameTicks = TimeSpan.TicksPerMillisecond * frameMs;
        _minSpeechMs = options.MinSpeechMs;
        _hangoverMs = options.HangoverMs;
    }

    public bool IsSpeaking { get; private set; }

    /// <summary>Takes the evidence of frame <paramref name="frame"/> and returns the transition it causes, if any.</summary>
    public VadEvent Update(long frame, bool startEvidence, bool continueEvidence)
    {
        return IsSpeaking ? WhileSpeaking(frame, continueEvidence) : WhileSilent(frame, startEvidence, continueEvidence);
    }

    private VadEvent WhileSilent(long frame, bool startEvidence, bool continueEvidence)
    {
        if (startEvidence)
        {
            if (_onsetMs == 0)
            {
                _onsetFrame = frame;
            }

            _onsetMs += _frameMs;
            if (_onsetMs >= _minSpeechMs)
            {
                IsSpeaking = true;
                _onsetMs = 0;
                _silenceMs = 0;
                _lastSpeechEndFrame = frame + 1;
                return new VadEvent(VadEventKind.SpeechStarted, At(_onsetFrame), At(frame + 1));
            }
        }
        else if (!continueEvidence)
        {
            _onsetMs = Math.Max(0, _onsetMs - _frameMs);
        }

        return VadEvent.None;
    }

    private VadEvent WhileSpeaking(long frame, bool continueEvidence)
    {
        if (continueEvidence)
        {
            _silenceMs = 0;
            _lastSpeechEndFrame = frame + 1;
            return VadEvent.None;
        }

        _silenceMs += _frameMs;
        if (_silenceMs < _hangoverMs)
        {
            return VadEvent.None;
        }

        IsSpeaking = false;
        _silenceMs = 0;
        return new VadEvent(VadEventKind.SpeechEnded, At(_lastSpeechEndFrame), At(frame + 1));
    }

    private TimeSpan At(long frame) => new(frame * _frameTicks);
}
