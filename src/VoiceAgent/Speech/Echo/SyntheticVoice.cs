namespace VoiceAgent.Speech.Echo;

/// <summary>
/// Deterministic speech-like audio for the echo matrix (bench and tests, no espeak needed): syllables of a glottal
/// pulse train with gliding pitch through two formant resonators, with pauses, at about -20 dBFS while voiced. Unlike
/// a steady harmonic tone it is not periodic over tens of milliseconds, so an echo of it has one delay, as speech does.
/// </summary>
internal static class SyntheticVoice
{
    public static short[] Render(int sampleRate, int milliseconds, int seed, double pitchLow = 90, double pitchHigh = 200)
    {
        var random = new Random(seed);
        var output = new double[(long)sampleRate * milliseconds / 1000];
        var at = 0;
        var syllable = 0;
        while (at < output.Length)
        {
            var length = sampleRate * random.Next(120, 281) / 1000;
            var f0 = pitchLow + random.NextDouble() * (pitchHigh - pitchLow);
            var glide = 1 + (random.NextDouble() - 0.5) * 0.4;
            var f1 = 300 + random.NextDouble() * 500;
            var f2 = 900 + random.NextDouble() * 1400;
            var r1 = Resonator(f1, 90, sampleRate);
            var r2 = Resonator(f2, 120, sampleRate);
            double phase = 0, y1a = 0, y1b = 0, y2a = 0, y2b = 0;
            var ramp = sampleRate / 50;
            for (var i = 0; i < length && at + i < output.Length; i++)
            {
                var f = f0 * (1 + (glide - 1) * i / length);
                phase += f / sampleRate;
                var pulse = 0.0;
                if (phase >= 1) { phase -= 1; pulse = 1; }
                var excitation = pulse + 0.05 * (random.NextDouble() - 0.5);
                var a = r1.B * excitation - r1.A1 * y1a - r1.A2 * y1b;
                y1b = y1a; y1a = a;
                var b = r2.B * excitation - r2.A1 * y2a - r2.A2 * y2b;
                y2b = y2a; y2a = b;
                var envelope = Math.Min(1, Math.Min((double)i / ramp, (double)(length - i) / ramp));
                output[at + i] = (a + 0.6 * b) * envelope;
            }
            at += length;
            syllable++;
            at += syllable % 5 == 0 ? sampleRate / 4 : sampleRate * random.Next(0, 121) / 1000;
        }
        // Scale so the voiced parts sit near -20 dBFS.
        double sum = 0;
        long voiced = 0;
        foreach (var s in output) if (s != 0) { sum += s * s; voiced++; }
        var scale = voiced == 0 ? 0 : 3277 / Math.Sqrt(sum / voiced);
        var samples = new short[output.Length];
        for (var i = 0; i < output.Length; i++) samples[i] = (short)Math.Clamp(Math.Round(output[i] * scale), short.MinValue, short.MaxValue);
        return samples;
    }

    /// <summary>Deterministic white noise at an RMS level in dBFS.</summary>
    public static short[] Noise(int sampleRate, int milliseconds, double rmsDbfs, int seed)
    {
        var random = new Random(seed);
        var amplitude = 32768 * Math.Pow(10, rmsDbfs / 20) * Math.Sqrt(3);
        var samples = new short[(long)sampleRate * milliseconds / 1000];
        for (var i = 0; i < samples.Length; i++) samples[i] = (short)Math.Round((random.NextDouble() * 2 - 1) * amplitude);
        return samples;
    }

    private static (double B, double A1, double A2) Resonator(double frequency, double bandwidth, int sampleRate)
    {
        var r = Math.Exp(-Math.PI * bandwidth / sampleRate);
        var a1 = -2 * r * Math.Cos(2 * Math.PI * frequency / sampleRate);
        var a2 = r * r;
        return (1 - r, a1, a2);
    }
}
