namespace VoiceAgent.Speech.Vad;

/// <summary>
/// Turns per-frame evidence into speech segments. While silent, frames with start evidence add to an onset
/// budget, frames with only continue evidence (e.g. an unvoiced consonant) hold it, and quiet frames drain it
/// at half the rate (so the dip between two syllables does not throw away the first);
/// a full budget of <see cref="VadOptions.MinSpeechMs"/> starts speech, dated from the first frame of the
/// run. While speaking, a run of <see cref="VadOptions.HangoverMs"/> without continue evidence ends it,
/// dated from the end of the last speech frame.
/// A run whose level stays within <see cref="VadOptions.StationaryDeviationDb"/> from its first frame to its
/// last is a steady tone (mains-hum harmonics, DTMF, dial or busy tone) switching on, not a voice, which
/// always swells and fades within a syllable; it is discarded instead of starting speech.
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
    private readonly float _steadyRangeDb;
    private float _minLevel;
    private float _maxLevel;

    public SpeechSegmenter(VadOptions options, int frameMs)
    {
        _frameMs = frameMs;
        _frameTicks = TimeSpan.TicksPerMillisecond * frameMs;
        _minSpeechMs = options.MinSpeechMs;
        _hangoverMs = options.HangoverMs;
        _steadyRangeDb = (float)options.StationaryDeviationDb;
    }

    public bool IsSpeaking { get; private set; }

    /// <summary>Whether a run of speech evidence has begun but not yet lasted long enough to start speech.</summary>
    public bool IsOnsetPending => !IsSpeaking && _onsetMs > 0;

    /// <summary>
    /// Takes the evidence of frame <paramref name="frame"/> and returns the transition it causes, if any.
    /// <paramref name="levelDbfs"/> is the frame's band level.
    /// </summary>
    public VadEvent Update(long frame, bool startEvidence, bool continueEvidence, float levelDbfs)
    {
        return IsSpeaking ? WhileSpeaking(frame, continueEvidence) : WhileSilent(frame, startEvidence, continueEvidence, levelDbfs);
    }

    private VadEvent WhileSilent(long frame, bool startEvidence, bool continueEvidence, float levelDbfs)
    {
        if (startEvidence)
        {
            if (_onsetMs == 0)
            {
                _onsetFrame = frame;
                _minLevel = levelDbfs;
                _maxLevel = levelDbfs;
            }

            _minLevel = MathF.Min(_minLevel, levelDbfs);
            _maxLevel = MathF.Max(_maxLevel, levelDbfs);
            _onsetMs += _frameMs;
            if (_onsetMs >= _minSpeechMs && _maxLevel - _minLevel <= _steadyRangeDb)
            {
                _onsetMs = 0; // no swell or fade at all: a steady tone
                return VadEvent.None;
            }

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
            _onsetMs = Math.Max(0, _onsetMs - (_frameMs / 2));
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
