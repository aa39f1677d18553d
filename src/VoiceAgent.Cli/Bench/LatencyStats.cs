using System.Globalization;

namespace VoiceAgent.Cli.Bench;

/// <summary>Order statistics of a latency sample (nearest-rank percentiles).</summary>
internal sealed record LatencyStats(int Count, double Median, double P90, double P99, double Max)
{
    public static LatencyStats Of(IReadOnlyCollection<double> samples)
    {
        if (samples.Count == 0) return new LatencyStats(0, double.NaN, double.NaN, double.NaN, double.NaN);
        var sorted = samples.Order().ToArray();
        double At(double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
        return new LatencyStats(sorted.Length, At(0.5), At(0.9), At(0.99), sorted[^1]);
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"n={Count} median={Median:F3} ms p90={P90:F3} ms p99={P99:F3} ms max={Max:F3} ms");
}
