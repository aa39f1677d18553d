namespace VoiceAgent.Speech.Echo;

/// <summary>
/// Finds where the far end (what we played) shows up in the near end (what the caller's line sends back): the lag of
/// the highest normalised cross-correlation between the two, decimated to 2 kHz, over the last
/// <see cref="WindowMs"/>, for lags up to <see cref="EchoCanceller.MaxDelayMs"/>. Re-estimated every
/// <see cref="IntervalFrames"/> frames while the far end is active, so an echo that appears mid-reply, or a path that
/// changes, is found within a few hundred milliseconds. Also returns the least-squares gain of the echo at that lag.
/// Allocation-free per frame; all buffers are sized at construction.
/// </summary>
internal sealed class EchoDelayEstimator
{
    public const int DecimatedRate = 2000;
    public const int WindowMs = 400;
    public const int IntervalFrames = 5;
    /// <summary>A moved delay seen once is looked at again this soon (frames), to confirm it quickly.</summary>
    public const int ConfirmFrames = 2;
    private const float MinCorrelation = 0.45f;

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
    private int _candidate = -1; // a moved delay seen once, waiting for the next estimate to agree

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
        var farEnergy = 0f;
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
        }
        // Far-end activity over the recent past: estimating on silence finds nothing.
        _farActivity = 0.8f * _farActivity + 0.2f * farEnergy;
        if (++_frames < (_candidate >= 0 ? ConfirmFrames : IntervalFrames) || _written < _span || _farActivity < 1e4f) return false;
        _frames = 0;
        return Estimate();
    }

    private bool Estimate()
    {
        // Window: the last _window near samples; for lag l the far samples l earlier. Both contiguous in the doubled ring.
        var nearStart = (_pos - _window + _span) % _span;
        var near = _near.AsSpan(nearStart, _window);
        var nearEnergy = Dot(near, near);
        if (nearEnergy < 1e3f * _window) return false; // nothing came back at all
        float best = 0, bestGain = 0;
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
            if (c > best) { best = c; bestLag = lag; bestGain = cross / farEnergy; }
        }
        if (bestLag < 0 || best < MinCorrelation) return false;
        var delay = bestLag * _factor;
        // Wobble of a few milliseconds is the same path (the filter window has room for it); more is a new path.
        var changed = DelaySamples < 0 || Math.Abs(delay - DelaySamples) > 6 * _factor;
        if (changed && DelaySamples >= 0)
        {
            // A move of a known path counts once two estimates in a row agree on it: a caller talking over the echo
            // can make one window peak at a lag that means nothing.
            var confirmed = _candidate >= 0 && Math.Abs(delay - _candidate) <= 6 * _factor;
            _candidate = confirmed ? -1 : delay;
            if (!confirmed) return false;
        }
        else _candidate = -1;
        if (changed) DelaySamples = delay;
        Gain = bestGain;
        Confidence = best;
        return changed;
    }

    private static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b) => Audio.VectorMath.Dot(a, b);
}
