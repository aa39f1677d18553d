using VoiceAgent.Speech.Audio;

namespace VoiceAgent.Speech.Vad;

/// <summary>
/// Periodicity of band-limited audio at 8 kHz: the peak normalised cross-correlation between the current
/// frame and itself one pitch period earlier, over pitch periods of 2.5–14.3 ms (70–400 Hz). Voiced speech
/// repeats with the glottal pulse and scores high; white, pink and line noise decorrelate within a
/// millisecond and score low. The history needed for long lags is kept across frames; the (comparatively
/// costly) correlation is only computed when <see cref="Measure"/> is asked for.
/// </summary>
internal sealed class VoicingEstimator
{
    /// <summary>The rate this works at; 16 kHz audio is decimated by the caller.</summary>
    public const int SampleRate = 8000;

    private const int MinLag = SampleRate / 400;
    private const int MaxLag = SampleRate / 70;

    private readonly int _frameLength;
    private readonly float[] _buffer;
    private readonly double[] _prefixEnergy;

    public VoicingEstimator(int frameLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(frameLength, MinLag);
        _frameLength = frameLength;
        _buffer = new float[MaxLag + frameLength];
        _prefixEnergy = new double[_buffer.Length + 1];
    }

    /// <summary>The current frame, to be filled by the caller after <see cref="Advance"/>.</summary>
    public Span<float> Frame => _buffer.AsSpan(MaxLag, _frameLength);

    /// <summary>Shifts the previous frame into history, making room for the next one in <see cref="Frame"/>.</summary>
    public void Advance() => Array.Copy(_buffer, _frameLength, _buffer, 0, MaxLag);

    /// <summary>Periodicity of the current frame, 0 (none) to 1 (exactly periodic).</summary>
    public float Measure()
    {
        ReadOnlySpan<float> buffer = _buffer;
        double running = 0;
        _prefixEnergy[0] = 0;
        for (int i = 0; i < buffer.Length; i++)
        {
            running += buffer[i] * buffer[i];
            _prefixEnergy[i + 1] = running;
        }

        double frameEnergy = _prefixEnergy[MaxLag + _frameLength] - _prefixEnergy[MaxLag];
        if (frameEnergy <= 1e-3)
        {
            return 0;
        }

        ReadOnlySpan<float> frame = buffer.Slice(MaxLag, _frameLength);
        float best = 0;
        for (int lag = MinLag; lag <= MaxLag; lag++)
        {
            int start = MaxLag - lag;
            double lagEnergy = _prefixEnergy[start + _frameLength] - _prefixEnergy[start];
            if (lagEnergy <= 1e-3)
            {
                continue;
            }

            float product = VectorMath.Dot(frame, buffer.Slice(start, _frameLength));
            if (product <= 0)
            {
                continue;
            }

            float correlation = (float)(product / Math.Sqrt(frameEnergy * lagEnergy));
            if (correlation > best)
            {
                best = correlation;
            }
        }

        return MathF.Min(best, 1f);
    }

    /// <summary>Clears the history.</summary>
    public void Reset() => Array.Clear(_buffer);
}
