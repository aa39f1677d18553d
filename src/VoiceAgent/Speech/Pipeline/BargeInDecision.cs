namespace VoiceAgent.Speech.Pipeline;

/// <summary>
/// Decides when caller speech over the agent is a barge-in, and when a barge-in turned out to be a cough. Fed the
/// detector's onsets and ends, every frame's state, and whether STT produced words; holds no clock of its own beyond
/// the timestamps it is given, so it is tested frame by frame without sockets.
/// </summary>
/// <remarks>
/// Rules: caller speech that starts while the agent is speaking and lasts <c>minSpeech</c> (from its onset, in audio
/// time) is a barge-in. After a barge-in, if the caller's speech ends and STT has produced no words by the time
/// <see cref="SpeechPipelineOptions.BargeInConfirmation"/> has passed, it was a false interruption and the agent
/// resumes.
/// </remarks>
internal sealed class BargeInDecision(TimeSpan minSpeech, long timestampFrequency)
{
    private readonly long _minSpeechTicks = (long)(minSpeech.TotalSeconds * timestampFrequency);
    private long _candidateSince; // onset of caller speech that may become a barge-in; 0 = none
    private bool _wordsSinceOnset;
    private long _echoPathChangedAt;
    private bool _restartOnVoice; // a new echo path was found: the next voiced frame restarts the candidate's clock
    private readonly long _frameTicks = timestampFrequency / 50;
    private readonly long _maxGapTicks = timestampFrequency * MaxGapMs / 1000;
    private bool _continuityRequired; // set by a new echo path until the detector confirms new speech
    private long _lastVoicedAt;

    /// <summary>After a new echo path, a gap in speech evidence longer than this restarts the candidate's clock.</summary>
    public const int MaxGapMs = 240;

    /// <summary>A barge-in happened and STT has not yet produced words for it.</summary>
    public bool Pending { get; private set; }

    /// <summary>The detector confirmed caller speech that began at <paramref name="onsetAt"/>.</summary>
    public void SpeechStarted(long onsetAt)
    {
        _wordsSinceOnset = false;
        _candidateSince = Math.Max(onsetAt, _echoPathChangedAt);
        _restartOnVoice = false;
        _continuityRequired = false;
    }

    /// <summary>
    /// The echo canceller just found a new echo path (an echo appeared or moved): speech that began before now may be
    /// that echo, heard before the canceller had learned it. The candidate's clock restarts at the first frame with
    /// speech evidence of its own from now on (the detector's hang-over may carry an echo-only stretch across the
    /// change), so it must last the minimum again, by which time the canceller has converged and echo alone has stopped.
    /// </summary>
    public void EchoPathChanged(long at)
    {
        _echoPathChangedAt = at;
        if (_candidateSince != 0 && _candidateSince < at) _candidateSince = at;
        _restartOnVoice = true;
        _continuityRequired = true;
    }

    /// <summary>The caller's speech ended. True when a pending barge-in now waits for words (start the confirmation timer).</summary>
    public bool SpeechEnded()
    {
        _candidateSince = 0;
        return Pending && !_wordsSinceOnset;
    }

    /// <summary>STT produced words: a pending barge-in was real.</summary>
    public void Words()
    {
        _wordsSinceOnset = true;
        Pending = false;
    }

    /// <summary>
    /// One frame at <paramref name="at"/>; <paramref name="callerSpeaking"/> is this frame's own evidence (not the
    /// detector's hang-over). True when this frame makes the caller's speech a barge-in.
    /// <paramref name="echoUnresolved"/>: the echo canceller has suspected or found an echo path it does not yet cancel
    /// (<see cref="Echo.EchoCanceller.EchoUnresolved"/>), so what the detector hears may be our own voice: the frame is
    /// no evidence, and speech must last the minimum again from its first voiced frame after that (as after a new path).
    /// </summary>
    public bool Frame(long at, bool callerSpeaking, bool agentSpeaking, bool echoUnresolved = false)
    {
        if (echoUnresolved)
        {
            EchoPathChanged(at);
            return false;
        }
        if (_candidateSince != 0 && callerSpeaking)
        {
            // After a new echo path, speech must be continuous to count: a lone voiced frame (echo the canceller had
            // not caught yet) and the detector's hang-over after it do not carry the clock to the next one.
            if (_restartOnVoice || (_continuityRequired && at - _lastVoicedAt > _maxGapTicks))
                _candidateSince = Math.Max(_candidateSince, at - _frameTicks); // this frame's own evidence starts the clock
            _restartOnVoice = false;
            _lastVoicedAt = at;
        }
        if (_candidateSince == 0 || !callerSpeaking || at - _candidateSince < _minSpeechTicks) return false;
        _candidateSince = 0; // decided either way: long enough, and the agent was or was not speaking
        if (!agentSpeaking) return false;
        Pending = true;
        return true;
    }

    /// <summary>The confirmation time after the speech ended has passed. True when the barge-in was a false interruption.</summary>
    public bool ConfirmationElapsed(bool callerSpeaking)
    {
        if (!Pending || _wordsSinceOnset || callerSpeaking) return false;
        Pending = false;
        return true;
    }
}
