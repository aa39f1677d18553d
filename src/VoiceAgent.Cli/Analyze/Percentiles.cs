namespace VoiceAgent.Cli.Analyze;

/// <summary>
/// Nearest-rank percentiles: the p-th percentile of n sorted samples is the sample at rank ⌈p/100 · n⌉ (1-based).
/// Always a value that was observed; no interpolation. With fewer than <see cref="MinSamplesP95"/> samples the
/// p95 is simply the largest sample (⌈0.95 · 19⌉ = 19), and with fewer than <see cref="MinSamplesP99"/> the p99
/// is: such figures are flagged as unstable.
/// </summary>
internal static class Percentiles
{
    public const int MinSamplesP95 = 20;
    public const int MinSamplesP99 = 100;

    /// <summary>The nearest-rank percentile of <paramref name="sorted"/> (ascending, non-empty).</summary>
    public static double NearestRank(IReadOnlyList<double> sorted, double percentile)
    {
        if (sorted.Count == 0) throw new ArgumentException("No samples.", nameof(sorted));
        if (percentile is <= 0 or > 100) throw new ArgumentOutOfRangeException(nameof(percentile));
        var rank = (int)Math.Ceiling(percentile / 100 * sorted.Count);
        return sorted[Math.Clamp(rank, 1, sorted.Count) - 1];
    }
}
