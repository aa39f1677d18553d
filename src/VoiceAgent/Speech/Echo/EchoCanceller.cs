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
/// <item>Double-talk detection (<see cref="DoubleTalkDetector"/>): once the filter has converged on the path, a near end
/// its echo estimate does not explain is the caller talking over the echo. While that holds, adaptation, the residual
/// suppressor's learning and its suppression stop (the caller passes at their own level), and <see cref="DoubleTalk"/>
/// tells the VAD its level-based echo check may stand down. A cruder energy test (near end 6 dB above the echo the path
/// predicts) also freezes adaptation, from before the filter has converged.</item>
/// <item>A path first suspected or just found is <see cref="EchoUnresolved"/> until the filter measurably cancels it
/// (ERLE over fresh frames, judged against what the line's noise allows) or at most <see cref="UnresolvedHoldMs"/>: barge-in does not count speech evidence then.</item>
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

    /// <summary>Longest a suspected or new echo path holds barge-in back while the filter has not shown it cancels it.</summary>
    public const int UnresolvedHoldMs = 1000;

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
    private readonly DoubleTalkDetector _doubleTalk = new();
    private readonly int _unresolvedHoldFrames = UnresolvedHoldMs / 20;
    private int _unresolved; // frames left of the unresolved hold; 0 = resolved (or nothing to resolve)
    private int _fresh; // adapting frames since the path was found (its ERLE averages restarted)
    private readonly bool _residualSuppression;
    private long _time; // samples processed so far (of each side)
    private int _doubleTalkHold;
    private int _adaptFreeze; // frames adaptation stays frozen after the near end stood 6 dB over the echo above the noise, held while it stays 3 dB over
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
    public double ErleDb => EchoPathResolution.ErleDb(_nearPower, _errorPower);

    /// <summary>
    /// Echo return loss enhancement of the part of the line above its noise, in dB, over the same frames as
    /// <see cref="ErleDb"/> (see <see cref="EchoPathResolution.NoiseLimitedErleDb"/>): what the filter removes of what it
    /// could remove. An unresolved path counts as resolved when this reaches <see cref="MinErleDb"/> too.
    /// </summary>
    public double NoiseLimitedErleDb => EchoPathResolution.NoiseLimitedErleDb(_nearPower, _errorPower, _doubleTalk.NoisePower);

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

    /// <summary>
    /// True while the double-talk detector holds: the filter has converged on the path and the near end carries, above
    /// the echo it predicts, someone else (the caller talking over the agent). Adaptation and residual suppression are
    /// off meanwhile; what goes on to the VAD is the caller with the echo the linear filter took out.
    /// </summary>
    public bool DoubleTalk => _doubleTalk.Active;

    /// <summary>
    /// True while an echo path has been suspected or found but the filter has not yet shown it cancels it (ERLE of at
    /// least <see cref="MinErleDb"/>, or what it leaves at the line's noise, over fresh frames), for at most
    /// <see cref="UnresolvedHoldMs"/>: what the VAD hears may still be our own echo, so it does not count toward a barge-in.
    /// </summary>
    public bool EchoUnresolved => _unresolved > 0;

    /// <summary>Mean square of the last frame's near end as it came (for traces).</summary>
    public float LastNearPower { get; private set; }

    /// <summary>Echo power the bulk path predicted for the last frame (for traces).</summary>
    public float LastPredictedEchoPower { get; private set; }

    /// <summary>Power of the filter's echo estimate for the last frame (for traces).</summary>
    public float LastEstimatePower { get; private set; }

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
            _doubleTalk.Reset();
            // The ERLE measured on the old path says nothing about the new one: measure it afresh.
            _nearPower = _errorPower = 0;
            _fresh = 0;
            Unresolve();
        }
        else if (_delay.Suspected) Unresolve(); // a path already measured keeps its fresh frames: if it still cancels, resolved at once
        float nearPower = 0;
        for (var i = 0; i < _frame; i++) nearPower += (float)near[i] * near[i];
        nearPower /= _frame;
        if (_delay.DelaySamples < 0)
        {
            _doubleTalk.Update(nearPower, 0, 0, valid: false); // no path, no double talk; it follows the line's noise
            if (_residualSuppression) _suppressor.Process(near, echoPower: 0, doubleTalk: true); // nothing to suppress: it follows the line's noise
            if (_unresolved > 0) _unresolved--; // a suspicion never confirmed lapses
            _time += _frame;
            return;
        }

        // Window for near sample n: far[n - offset - taps + 1 .. n - offset], offset = delay - pre (never into the future).
        var offset = _offset;
        var predictedEcho = PredictedEchoPower(offset);
        var learning = _learning > 0;
        if (learning) _learning--;

        // First pass with the filter as it stands: the echo it predicts and what it leaves.
        float errorPower = 0, estimatePower = 0, crossPower = 0;
        for (var i = 0; i < _frame; i++)
        {
            var y = VectorMath.Dot(_weights, _far.AsSpan(WindowStart(_time + i, offset), _taps));
            _error[i] = near[i] - y;
            errorPower += _error[i] * _error[i];
            estimatePower += y * y;
            crossPower += near[i] * y;
        }
        errorPower /= _frame;
        estimatePower /= _frame;
        crossPower /= _frame;
        // The echo this frame carries by the filter's account is the part of the near end its estimate explains (the
        // projection E[d·ŷ]²/E[ŷ²], at most the estimate's own power), not the estimate's power: a filter still far from
        // the path (in line noise at -20 dB its estimate was louder than the whole near end) would otherwise have the
        // suppressor take a caller 5 dB over the echo for echo and cut them.
        var explainedEcho = estimatePower > 0 && crossPower > 0 ? Math.Min(crossPower * crossPower / estimatePower, estimatePower) : 0f;
        var echoPower = Math.Max(explainedEcho, predictedEcho);
        LastNearPower = nearPower;
        LastPredictedEchoPower = predictedEcho;
        LastEstimatePower = estimatePower;
        // Double talk, judged on the filter's own estimate once it has converged on this path: the caller talking over
        // the echo. Adapting on it would cancel the caller and detune the filter; suppressing it would cut the caller.
        var converged = !learning && _unresolved == 0;
        var callerOverEcho = _doubleTalk.Update(nearPower, crossPower, estimatePower, converged, predictedEcho);
        // The cruder energy test also freezes adaptation (from before convergence): the near end well above the echo
        // the path predicts.
        if (nearPower > DoubleTalkRatio * predictedEcho + QuietFarPower / 4) _doubleTalkHold = DoubleTalkHangoverFrames;
        else if (_doubleTalkHold > 0) _doubleTalkHold--;
        // Once the near end stood 6 dB over the echo, adaptation stays frozen while it stays 3 dB over it (hysteresis,
        // as for a proven caller): a caller's syllables sit 3–6 dB over the echo's louder stretches, and 20 ms of NLMS
        // on them (μ 0.4) bends the filter towards the caller; its estimate then explains the caller and the residual
        // suppressor cut them (the matrix's 250 ms −20 dB noise moving cells, 160 ms into the caller's first word).
        // Only adaptation: the suppressor's learning and the double-talk detector keep their own tests. Judged on what
        // stands above the line's noise: in noise a quiet stretch of echo is mostly noise, and holding the freeze on it
        // would keep the filter from learning a -20 dB path at all.
        var aboveNoise = nearPower - _doubleTalk.NoisePower;
        if (aboveNoise > DoubleTalkRatio * predictedEcho + QuietFarPower / 4
            || (_adaptFreeze > 0 && aboveNoise > DoubleTalkDetector.HeldPathLoudnessRatio * predictedEcho + QuietFarPower / 4))
            _adaptFreeze = DoubleTalkHangoverFrames;
        else if (_adaptFreeze > 0) _adaptFreeze--;
        // A single frame that shows double talk already freezes adaptation (cheap if wrong); the VAD and the suppressor
        // are told only once it holds.
        var adapt = (learning || (_doubleTalkHold == 0 && _adaptFreeze == 0 && !callerOverEcho && !_doubleTalk.LastFrame)) && _farPower > QuietFarPower;
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
            if (_fresh == 0)
            {
                // The first measurement on this path starts the averages (no bias towards the zero they were reset to).
                _nearPower = nearPower;
                _errorPower = errorPower;
            }
            else
            {
                _nearPower = 0.9f * _nearPower + 0.1f * nearPower;
                _errorPower = 0.9f * _errorPower + 0.1f * errorPower;
            }
            if (_fresh < EchoPathResolution.FreshFrames) _fresh++;
        }
        if (_unresolved > 0)
        {
            // Resolved once fresh frames show the filter takes the echo down, judged against what the line's noise allows.
            var resolved = EchoPathResolution.Resolved(_fresh, _nearPower, _errorPower, _doubleTalk.NoisePower);
            _unresolved = resolved ? 0 : _unresolved - 1;
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
        // A caller proven over the echo moments ago whose next syllable stands 3 dB over the echo the bulk path predicts
        // is still the caller: not cut, and not taken to show the filter leaks (the suppressor learning on it is what cut
        // a caller's second syllable in the matrix's moving-path and -20 dB-in-noise cells).
        var callerLikely = _doubleTalk.CallerRecent && nearPower >= DoubleTalkDetector.HeldPathLoudnessRatio * predictedEcho;
        if (_residualSuppression) _suppressor.Process(near, echoPower, (_doubleTalkHold > 0 || callerOverEcho || _doubleTalk.CallerRecent) && !learning, errorPower, callerOverEcho, callerLikely);
        _time += _frame;
    }

    /// <summary>A path was suspected or found: barge-in evidence waits until the filter shows it cancels it.</summary>
    private void Unresolve() => _unresolved = _unresolvedHoldFrames;

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
