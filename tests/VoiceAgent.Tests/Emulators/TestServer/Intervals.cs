using System.Diagnostics;

namespace VoiceAgent.Tests.EmulatorsTests.TestServer;

/// <summary>
/// Pacing of successive Stopwatch timestamps, in milliseconds: the plain gaps, and the least-squares slope of
/// arrival time over frame index, which a single stall followed by a catch-up burst barely moves, but a clock
/// that accumulates drift (e.g. relative 20 ms delays) pushes above 20 ms.
/// </summary>
internal sealed record Intervals(int Count, double Average, double Min, double Max, double StandardDeviation, double Slope)
{
    public static Intervals Of(IReadOnlyList<long> timestamps)
    {
        var gaps = new double[timestamps.Count - 1];
        for (var i = 1; i < timestamps.Count; i++) gaps[i - 1] = Stopwatch.GetElapsedTime(timestamps[i - 1], timestamps[i]).TotalMilliseconds;
        var average = gaps.Average();
        var deviation = Math.Sqrt(gaps.Sum(g => (g - average) * (g - average)) / gaps.Length);

        var times = timestamps.Select(t => Stopwatch.GetElapsedTime(timestamps[0], t).TotalMilliseconds).ToArray();
        var meanIndex = (times.Length - 1) / 2.0;
        var meanTime = times.Average();
        double covariance = 0, variance = 0;
        for (var i = 0; i < times.Length; i++)
        {
            covariance += (i - meanIndex) * (times[i] - meanTime);
            variance += (i - meanIndex) * (i - meanIndex);
        }
        return new Intervals(gaps.Length, average, gaps.Min(), gaps.Max(), deviation, covariance / variance);
    }

    public override string ToString()
        => $"{Count} intervals: average {Average:F3} ms, min {Min:F2}, max {Max:F2}, σ {StandardDeviation:F2}; regression slope {Slope:F3} ms/frame";
}
