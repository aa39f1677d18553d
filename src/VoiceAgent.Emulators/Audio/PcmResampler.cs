namespace VoiceAgent.Emulators.Audio;

/// <summary>
/// Sample-rate conversion of 16-bit mono PCM with a Blackman-windowed sinc low-pass, so downsampling
/// (e.g. espeak-ng's 22 050 Hz to the phone line's 8 kHz) does not alias. Quality is ample for test speech;
/// the filter spans 16 zero crossings of the lower of the two Nyquist frequencies each side.
/// </summary>
public static class PcmResampler
{
    private const int ZeroCrossings = 16;

    /// <summary>
    /// Converts <paramref name="samples"/> from <paramref name="fromRate"/> to <paramref name="toRate"/>;
    /// returns a copy when the rates are equal.
    /// </summary>
    public static short[] Resample(ReadOnlySpan<short> samples, int fromRate, int toRate)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fromRate);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(toRate);
        if (fromRate == toRate) return samples.ToArray();

        var step = (double)fromRate / toRate;               // input samples per output sample
        var cutoff = Math.Min(1.0, (double)toRate / fromRate); // fraction of the input Nyquist frequency kept
        var halfWidth = ZeroCrossings / cutoff;             // kernel half-width in input samples
        var outputLength = (int)((long)samples.Length * toRate / fromRate);
        var output = new short[outputLength];

        for (var n = 0; n < outputLength; n++)
        {
            var center = n * step;
            var first = Math.Max(0, (int)Math.Ceiling(center - halfWidth));
            var last = Math.Min(samples.Length - 1, (int)Math.Floor(center + halfWidth));
            double sum = 0, weights = 0;
            for (var i = first; i <= last; i++)
            {
                var distance = i - center;
                var weight = Sinc(cutoff * distance) * Blackman(distance / halfWidth);
                sum += weight * samples[i];
                weights += weight;
            }
            // Normalising by the summed weights keeps unity gain at DC, also near the edges.
            var value = weights > 1e-9 ? sum / weights : 0;
            output[n] = (short)Math.Clamp(Math.Round(value), short.MinValue, short.MaxValue);
        }
        return output;
    }

    private static double Sinc(double x) => Math.Abs(x) < 1e-12 ? 1.0 : Math.Sin(Math.PI * x) / (Math.PI * x);

    // Blackman window over [-1, 1].
    private static double Blackman(double x)
    {
        if (Math.Abs(x) >= 1) return 0;
        var phase = Math.PI * (x + 1); // 0..2π
        return 0.42 - 0.5 * Math.Cos(phase) + 0.08 * Math.Cos(2 * phase);
    }
}
