namespace VoiceAgent.Speech.Audio;

/// <summary>
/// One second-order IIR section (transposed direct form II) with RBJ-cookbook Butterworth designs.
/// A mutable struct: keep it in a field or array element and call <see cref="Process"/> on it in place.
/// </summary>
internal struct Biquad
{
    private const float ButterworthQ = 0.70710678f;

    private readonly float _b0, _b1, _b2, _a1, _a2;
    private float _z1, _z2;

    private Biquad(double b0, double b1, double b2, double a0, double a1, double a2)
    {
        _b0 = (float)(b0 / a0);
        _b1 = (float)(b1 / a0);
        _b2 = (float)(b2 / a0);
        _a1 = (float)(a1 / a0);
        _a2 = (float)(a2 / a0);
    }

    /// <summary>A second-order high-pass at <paramref name="cutoffHz"/> with quality <paramref name="q"/>.</summary>
    public static Biquad HighPass(double cutoffHz, int sampleRate, double q = ButterworthQ)
    {
        (double cos, double alpha) = Prewarp(cutoffHz, sampleRate, q);
        return new Biquad((1 + cos) / 2, -(1 + cos), (1 + cos) / 2, 1 + alpha, -2 * cos, 1 - alpha);
    }

    /// <summary>A second-order low-pass at <paramref name="cutoffHz"/> with quality <paramref name="q"/>.</summary>
    public static Biquad LowPass(double cutoffHz, int sampleRate, double q = ButterworthQ)
    {
        (double cos, double alpha) = Prewarp(cutoffHz, sampleRate, q);
        return new Biquad((1 - cos) / 2, 1 - cos, (1 - cos) / 2, 1 + alpha, -2 * cos, 1 - alpha);
    }

    /// <summary>Filters one sample.</summary>
    public float Process(float x)
    {
        float y = (_b0 * x) + _z1;
        _z1 = (_b1 * x) - (_a1 * y) + _z2;
        _z2 = (_b2 * x) - (_a2 * y);
        return y;
    }

    /// <summary>
    /// Zeroes memory that has decayed to nothing. Call once per frame: after silence the state would otherwise
    /// sink into denormal floats, which are two orders of magnitude slower on x86.
    /// </summary>
    public void FlushDenormals()
    {
        const float tiny = 1e-12f;
        if (MathF.Abs(_z1) < tiny)
        {
            _z1 = 0;
        }

        if (MathF.Abs(_z2) < tiny)
        {
            _z2 = 0;
        }
    }

    /// <summary>Clears the filter memory.</summary>
    public void Reset()
    {
        _z1 = 0;
        _z2 = 0;
    }

    private static (double Cos, double Alpha) Prewarp(double cutoffHz, int sampleRate, double q)
    {
        if (cutoffHz <= 0 || cutoffHz >= sampleRate / 2.0)
        {
            throw new ArgumentOutOfRangeException(nameof(cutoffHz), $"Cut-off must lie between 0 and Nyquist ({sampleRate / 2} Hz); got {cutoffHz} Hz.");
        }

        double w0 = 2 * Math.PI * cutoffHz / sampleRate;
        return (Math.Cos(w0), Math.Sin(w0) / (2 * q));
    }
}
