using VoiceAgent.Speech.Audio;

namespace VoiceAgent.Speech.Echo;

/// <summary>
/// Adaptive line/acoustic echo canceller for one call (the G.168 / WebRTC AEC idea, hand-written): we hold the exact
/// far-end signal (every frame we played, in playout order), so the echo of it in the caller's audio can be predicted
/// and subtracted before VAD and STT hear it.
/// <list type="bullet">
/// <item><see cref="EchoDelayEstimator"/> finds the bulk delay (up to <see cref="MaxDelayMs"/>) by decimated
/// cross-correlation, so the adaptive filter only has to span the echo path's dispersion, not the whole delay.</item>
/// <item>An NLMS filter of <see cref="TailMs"/> placed <see cref="PreMs"/> before that delay learns the path (gain,
/// colouring) sample by sample and tracks it as it changes.</item>
/// <item>Double-talk detection: adaptation stops while the near end is well above the echo the path predicts (the
/// caller is talking), with a hang-over, so a caller talking over the agent neither trains the filter nor is cancelled.</item>
/// <item><see cref="ResidualEchoSuppressor"/>: what the filter leaves of the echo (and the echo of a path it is still
/// learning) is brought down to the line's noise floor on frames that carry nothing louder than that residual.</item>
/// </list>
/// Allocation-free per frame. Feed one far frame (silence when nothing played) per near frame, in order.
/// </summary>
internal sealed class EchoCanceller
{
    public const int MaxDelayMs = 480;
    public const int PreMs = 6;
    public const int TailMs = 48;
    private const float StepSize = 0.4f;
    private const float LearningStepSize = 0.8f;
    private const int LearningFrames = 15; // after a new path is found: adapt regardless of double talk for 300 ms
    private const int DoubleTalkHangoverFrames = 6;
    private const float DoubleTalkRatio = 4f; // near-end power 6 dB above the predicted echo: someone is talking

    private const float QuietFarPower = 100f * 100f; // far end below about -50 dBFS: nothing to learn from
    private readonly int _frame;
    private readonly float _regularisation;
    private float _farPower;
    private readonly int _taps;
    private readonly int _pre;
    private readonly int _history;
    private readonly float[] _far; // double-written ring: any window of up to _history samples is contiguous
    private readonly float[] _weights;
    private readonly float[] _error; // _weights[i] multiplies the i-th sample of the (ascending) far window
    private readonly EchoDelayEstimator _delay;
    private readonly ResidualEchoSuppressor _suppressor = new();
    private readonly bool _residualSuppression;
    private long _time; // samples processed so far (of each side)
    private int _doubleTalkHold;
    private float _nearPower;
    private float _errorPower;
    private int _learning;
    private int _offset = -1;

    /// <param name="sampleRate">8000 or 16000.</param>
    /// <param name="residualSuppression">Run the residual echo suppressor after the linear filter (on in the pipeline; off only to measure the filter alone).</param>
    public EchoCanceller(int sampleRate, bool residualSuppression = true)
    {
        _residualSuppression = residualSuppression;
        if (sampleRate is not (8000 or 16000)) throw new ArgumentOutOfRangeException(nameof(sampleRate), sampleRate, "8000 or 16000 Hz");
        _frame = sampleRate / 50;
        _taps = TailMs * sampleRate / 1000;
        _pre = PreMs * sampleRate / 1000;
        _history = (MaxDelayMs + TailMs + 40) * sampleRate / 1000;
        _far = new float[2 * _history];
        _weights = new float[_taps];
        _error = new float[_frame];
        _regularisation = _taps * QuietFarPower;
        _delay = new EchoDelayEstimator(sampleRate);
    }

    /// <summary>Bulk echo delay in milliseconds, or null before an echo was found.</summary>
    public double? DelayMs => _delay.DelaySamples < 0 ? null : _delay.DelaySamples * 1000.0 / (_frame * 50);

    /// <summary>True once an echo was found and is being learned.</summary>
    public bool Active => _delay.DelaySamples >= 0;

    /// <summary>True while the output is the cancelled signal (the filter removes at least <see cref="MinErleDb"/>).</summary>
    public bool Cancelling { get; private set; }

    /// <summary>Below this echo return loss enhancement the line passes through untouched.</summary>
    public const double MinErleDb = 6;

    /// <summary>Echo return loss enhancement over recent single-talk frames, in dB (0 before any).</summary>
    public double ErleDb => _errorPower <= 0 || _nearPower <= 0 ? 0 : 10 * Math.Log10(_nearPower / _errorPower);

    /// <summary>Samples of audio since the canceller last found a new echo path (0 = this frame); -1 before any.</summary>
    public long SinceNewPath { get; private set; } = -1;

    /// <summary>True on the frame an echo path was first seen, before it is confirmed (see <see cref="EchoDelayEstimator.Suspected"/>).</summary>
    public bool EchoSuspected => _delay.Suspected;

    /// <summary>True when the last frame was taken for echo alone and brought down to the noise floor.</summary>
    public bool Suppressed => _residualSuppression && _suppressor.Suppressed;

    /// <summary>Share of the predicted echo power the linear filter leaves, as the residual suppressor has learned it.</summary>
    public float ResidualLeak => _suppressor.Leak;

    /// <summary>True when the output differs from the input: the linear filter's output is used or the frame was suppressed.</summary>
    public bool Changed => Cancelling || (_residualSuppression && _suppressor.Touched);

    /// <summary>True while the last frame was judged double talk (adaptation frozen).</summary>
    public bool DoubleTalk => _doubleTalkHold > 0;

    /// <summary>
    /// Cancels the echo of <paramref name="far"/> (and of what was played before it) in <paramref name="near"/>, in place.
    /// Both are one 20 ms frame at the canceller's rate.
    /// </summary>
    public void Process(ReadOnlySpan<short> far, Span<short> near)
    {
        if (far.Length != _frame || near.Length != _frame) throw new ArgumentException($"Frames must be {_frame} samples.");
        var start = (int)(_time % _history);
        for (var i = 0; i < _frame; i++)
        {
            var index = (start + i) % _history;
            _far[index] = _far[index + _history] = far[i];
        }
        if (SinceNewPath >= 0) SinceNewPath += _frame;
        if (_delay.Add(far, near))
        {
            // A new path: the window follows the bulk delay and keeps the learned shape relative to it (a phone moved:
            // same colouring, new delay); then learn fast for a while.
            _offset = Math.Max(_delay.DelaySamples - _pre, 0);
            _learning = LearningFrames;
            SinceNewPath = 0;
            _suppressor.PathChanged();
        }
        if (_delay.DelaySamples < 0)
        {
            if (_residualSuppression) _suppressor.Process(near, echoPower: 0, doubleTalk: true); // nothing to suppress: it follows the line's noise
            _time += _frame;
            return;
        }

        // Window for near sample n: far[n - offset - taps + 1 .. n - offset], offset = delay - pre (never into the future).
        var offset = _offset;
        var predictedEcho = PredictedEchoPower(offset);
        float nearPower = 0;
        for (var i = 0; i < _frame; i++) nearPower += (float)near[i] * near[i];
        nearPower /= _frame;
        var learning = _learning > 0;
        if (learning) _learning--;

        // First pass with the filter as it stands: the echo it predicts and what it leaves.
        float errorPower = 0, estimatePower = 0;
        for (var i = 0; i < _frame; i++)
        {
            var y = VectorMath.Dot(_weights, _far.AsSpan(WindowStart(_time + i, offset), _taps));
            _error[i] = near[i] - y;
            errorPower += _error[i] * _error[i];
            estimatePower += y * y;
        }
        errorPower /= _frame;
        var echoPower = Math.Max(estimatePower / _frame, predictedEcho);
        // Double talk: the near end is well above the echo the path predicts, so someone is talking over it. Adapting
        // on it would cancel the caller and detune the filter, so adaptation freezes (with a hang-over).
        if (nearPower > DoubleTalkRatio * predictedEcho + QuietFarPower / 4)
            _doubleTalkHold = DoubleTalkHangoverFrames;
        else if (_doubleTalkHold > 0) _doubleTalkHold--;
        var adapt = (learning || _doubleTalkHold == 0) && _farPower > QuietFarPower;
        var step = learning ? LearningStepSize : StepSize;

        if (adapt)
        {
            errorPower = 0;
            for (var i = 0; i < _frame; i++)
            {
                var x = _far.AsSpan(WindowStart(_time + i, offset), _taps);
                var e = near[i] - VectorMath.Dot(_weights, x);
                errorPower += e * e;
                // Regularised: when the far end is quiet (pauses), line noise in e must not blow the taps up.
                VectorMath.AddScaled(_weights, x, step * e / (VectorMath.Dot(x, x) + _regularisation));
                _error[i] = e;
            }
            errorPower /= _frame;
        }
        if (adapt)
        {
            _nearPower = 0.9f * _nearPower + 0.1f * nearPower;
            _errorPower = 0.9f * _errorPower + 0.1f * errorPower;
        }
        // Fail safe: the output is the cancelled signal only while the filter measurably removes echo; a filter that has
        // not converged (or locked onto a wrong path) passes the line through untouched, as if there were no canceller.
        Cancelling = ErleDb >= MinErleDb;
        if (Cancelling)
            for (var i = 0; i < _frame; i++) near[i] = (short)Math.Clamp(MathF.Round(_error[i]), short.MinValue, short.MaxValue);
        // What the linear stage leaves of the echo is suppressed against the larger of the two echo predictions: the
        // filter's own (exact once converged) and the path's (bulk gain × far power around the delay, which also
        // covers a reference a frame or two off while the filter catches up). While a new path is being learned its
        // gain is still rough, so the suppressor learns how much is left regardless of double talk.
        if (_residualSuppression) _suppressor.Process(near, echoPower, DoubleTalk && !learning, errorPower);
        _time += _frame;
    }

    private int WindowStart(long n, int offset) => (int)((n - offset - _taps + 1 + 2L * _history) % _history);

    /// <summary>Power of the echo this frame should carry: the path's gain (measured, or the filter's, whichever is larger) times the far power around the delay.</summary>
    private float PredictedEchoPower(int offset)
    {
        var windowStart = (int)((_time - offset - _taps + 1 + 2L * _history) % _history);
        var x = _far.AsSpan(windowStart, _taps + _frame);
        var farPower = _farPower = VectorMath.Dot(x, x) / x.Length;
        var filterGain = VectorMath.Dot(_weights, _weights);
        var gain = Math.Max(_delay.Gain * _delay.Gain, filterGain);
        return gain * farPower;
    }
}
