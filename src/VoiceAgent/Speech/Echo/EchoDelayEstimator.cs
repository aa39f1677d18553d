namespace VoiceAgent.Speech.Echo;

/// <summary>
/// Finds where the far end (what we played) shows up in the near end (what the caller's line sends back): the lag of
/// the highest normalised cross-correlation between the two, decimated to 2 kHz, over the last
/// <see cref="WindowMs"/>, for lags up to <see cref="EchoCanceller.MaxDelayMs"/>. Re-estimated every
/// <see cref="IntervalFrames"/> frames while the far end is active, so an echo that appears mid-reply, or a path that
/// changes, is found within a few hundred milliseconds. Also returns the least-squares gain of the echo at that lag.
/// A line that does not echo must never get a path (a wrong one cancels and suppresses the caller), so the first path
/// needs a fit no unrelated voice gives (<see cref="AcquireCorrelation"/>: speech over unrelated speech, including the
/// bench's periodic voices, stays near 0.5), the far end really playing in the window that explains it, and
/// <see cref="Agreements"/> estimates in a row on the same lag.
/// Allocation-free per frame; all buffers are sized at construction.
/// </summary>
internal sealed class EchoDelayEstimator
{
    public const int DecimatedRate = 2000;
    public const int WindowMs = 400;
    public const int IntervalFrames = 5;
    /// <summary>A moved delay seen once is looked at again this soon (frames), to confirm it quickly.</summary>
    public const int ConfirmFrames = 2;
    /// <summary>A new path needs this normalised correlation (its echo explains half the near end's power).</summary>
    public const float AcquireCorrelation = 0.7f;
    /// <summary>A path that moved on a line already proven to echo needs this correlation.</summary>
    private const float MoveCorrelation = 0.45f;
    /// <summary>A known path's gain is refreshed from estimates at least this good.</summary>
    private const float TrackCorrelation = 0.45f;
    /// <summary>A new path needs this many estimates in a row agreeing within a millisecond.</summary>
    public const int Agreements = 2;
    /// <summary>Far end power (per decimated sample) in the window that must explain the echo: about −40 dBFS.</summary>
    private const float FarPlayingPower = 1e5f;
    /// <summary>Near-end power (per decimated sample) that, before any path, has the estimate made sooner: about −40 dBFS, above line noise.</summary>
    private const float NearSoundPower = 1e5f;

    private readonly int _factor;
    private readonly int _window;
    private readonly int _maxLag;
    private readonly float[] _far; // decimated, double-written ring of _span
    private readonly float[] _near;
    private readonly int _span;
    private int _pos; // next write index in [0, _span)
    private long _written;
    private int _frames;
    private float _farActivity;
    private int _candidate = -1; // a new delay seen, waiting for the next estimates to agree
    private int _agreements;

    public EchoDelayEstimator(int sampleRate)
    {
        _factor = sampleRate / DecimatedRate;
        _window = WindowMs * DecimatedRate / 1000;
        _maxLag = EchoCanceller.MaxDelayMs * DecimatedRate / 1000;
        _span = _window + _maxLag;
        _far = new float[2 * _span];
        _near = new float[2 * _span];
    }

    /// <summary>The last estimate: delay in samples at the input rate, or -1 before any echo was found.</summary>
    public int DelaySamples { get; private set; } = -1;

    /// <summary>Least-squares gain of the echo at <see cref="DelaySamples"/> (linear).</summary>
    public float Gain { get; private set; }

    /// <summary>Normalised correlation of the last accepted estimate (0..1).</summary>
    public float Confidence { get; private set; }

    /// <summary>Feeds one frame of each side. True when this frame produced a new or changed estimate.</summary>
    public bool Add(ReadOnlySpan<short> far, ReadOnlySpan<short> near)
    {
        float farEnergy = 0f, nearEnergy = 0f;
        var samples = 0;
        for (var i = 0; i + _factor <= far.Length; i += _factor)
        {
            float f = 0, n = 0;
            for (var k = 0; k < _factor; k++) { f += far[i + k]; n += near[i + k]; }
            f /= _factor;
            n /= _factor;
            _far[_pos] = _far[_pos + _span] = f;
            _near[_pos] = _near[_pos + _span] = n;
            _pos = (_pos + 1) % _span;
            _written++;
            farEnergy += f * f;
            nearEnergy += n * n;
            samples++;
        }
        Suspected = false;
        // Far-end activity over the recent past: estimating on silence finds nothing.
        _farActivity = 0.8f * _farActivity + 0.2f * farEnergy;
        // Before any path, sound on a line that was quiet under our playback is looked at every ConfirmFrames, not every
        // IntervalFrames: an echo that appears mid-reply is then suspected about 200 ms after it starts (the fit needs half
        // the window), before the detector's onset run plus the barge-in minimum have elapsed on it, whatever the phase.
        var soon = _candidate >= 0 || (DelaySamples < 0 && nearEnergy >= NearSoundPower * samples);
        if (++_frames < (soon ? ConfirmFrames : IntervalFrames) || _written < _span || _farActivity < 1e4f) return false;
        _frames = 0;
        return Estimate();
    }

    /// <summary>
    /// True on the frame a new path was first seen with a proven-grade fit, before the next estimates confirm it: the
    /// audio is most likely our echo (a clean line never fits the far end this well), so barge-in waits for the proof.
    /// </summary>
    public bool Suspected { get; private set; }

    private bool Estimate()
    {
        // Window: the last _window near samples; for lag l the far samples l earlier. Both contiguous in the doubled ring.
        var nearStart = (_pos - _window + _span) % _span;
        var near = _near.AsSpan(nearStart, _window);
        var nearEnergy = Dot(near, near);
        if (nearEnergy < 1e3f * _window) return false; // nothing came back at all
        float best = 0, bestGain = 0, bestFarEnergy = 0;
        var bestLag = -1;
        for (var lag = 0; lag <= _maxLag; lag++)
        {
            var farStart = (nearStart - lag + _span) % _span;
            var far = _far.AsSpan(farStart, _window);
            var cross = Dot(near, far);
            if (cross <= 0) continue;
            var farEnergy = Dot(far, far);
            if (farEnergy <= 0) continue;
            var c = cross / MathF.Sqrt(farEnergy * nearEnergy);
            if (c > best) { best = c; bestLag = lag; bestGain = cross / farEnergy; bestFarEnergy = farEnergy; }
        }
        if (bestLag < 0) return false;
        var delay = bestLag * _factor;
        var samePath = DelaySamples >= 0 && Math.Abs(delay - DelaySamples) <= 6 * _factor;
        if (samePath)
        {
            // Tracking a path already proven: a weaker fit (a caller over the echo, line noise) still refreshes the gain.
            _candidate = -1;
            _agreements = 0;
            if (best < TrackCorrelation) return false;
            Gain = bestGain;
            Confidence = best;
            return false;
        }
        // A new path (the first, or a move) must be proven, because a wrong one cancels and suppresses the caller:
        // the far end really playing in the window that explains the near end, a fit far above what unrelated speech
        // gives, and the same lag in several estimates in a row.
        // A line already proven to echo needs less to show its path moved (half the window may still be the old path).
        var proven = best >= (DelaySamples < 0 ? AcquireCorrelation : MoveCorrelation)
            && bestFarEnergy >= FarPlayingPower * _window;
        if (!proven) { _candidate = -1; _agreements = 0; return false; }
        if (_candidate >= 0 && Math.Abs(delay - _candidate) <= _factor) _agreements++;
        else { _candidate = delay; _agreements = 1; Suspected = true; }
        if (_agreements < Agreements) return false;
        _candidate = -1;
        _agreements = 0;
        DelaySamples = delay;
        Gain = bestGain;
        Confidence = best;
        return true;
    }

    private static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b) => Audio.VectorMath.Dot(a, b);
}
