namespace VoiceAgent.Tests.TestSupport.Audio;

/// <summary>Measures a known tone in a signal by projecting onto its sine and cosine (a single-bin DFT).</summary>
public static class ToneAnalysis
{
    /// <summary>Peak amplitude of the <paramref name="frequencyHz"/> component.</summary>
    public static double Amplitude(ReadOnlySpan<short> samples, int sampleRate, double frequencyHz)
    {
        double sin = 0, cos = 0;
        for (int i = 0; i < samples.Length; i++)
        {
            double phase = 2 * Math.PI * frequencyHz * i / sampleRate;
            sin += samples[i] * Math.Sin(phase);
            cos += samples[i] * Math.Cos(phase);
        }

        return 2 * Math.Sqrt((sin * sin) + (cos * cos)) / samples.Length;
    }

    /// <summary>
    /// Power of everything except the <paramref name="frequencyHz"/> component, in dB relative to that component
    /// (noise plus distortion; very negative for a clean tone of exactly that frequency).
    /// </summary>
    public static double ResidualDb(ReadOnlySpan<short> samples, int sampleRate, double frequencyHz)
    {
        double sin = 0, cos = 0, total = 0;
        for (int i = 0; i < samples.Length; i++)
        {
            double phase = 2 * Math.PI * frequencyHz * i / sampleRate;
            sin += samples[i] * Math.Sin(phase);
            cos += samples[i] * Math.Cos(phase);
            total += (double)samples[i] * samples[i];
        }

        double tonePower = 2 * ((sin * sin) + (cos * cos)) / samples.Length;
        double residual = Math.Max(total - tonePower, 1e-9);
        return 10 * Math.Log10(residual / tonePower);
    }

    /// <summary>The frequency in 10 Hz steps between <paramref name="fromHz"/> and <paramref name="toHz"/> with the largest amplitude.</summary>
    public static double DominantFrequency(ReadOnlySpan<short> samples, int sampleRate, double fromHz, double toHz)
    {
        double best = fromHz, bestAmplitude = -1;
        for (double f = fromHz; f <= toHz; f += 10)
        {
            double amplitude = Amplitude(samples, sampleRate, f);
            if (amplitude > bestAmplitude)
            {
                bestAmplitude = amplitude;
                best = f;
            }
        }

        return best;
    }
}
