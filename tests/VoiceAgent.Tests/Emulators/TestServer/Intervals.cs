using System.Diagnostics;

namespace VoiceAgent.Tests.EmulatorsTests.TestServer;

/// <summary>Summary of the gaps between successive Stopwatch timestamps, in milliseconds.</summary>
internal sealed record Intervals(int Count, double Average, double Min, double Max, double StandardDeviation, double Span)
{
    public static Intervals Of(IReadOnlyList<long> timestamps)
    {
        var gaps = new double[timestamps.Count - 1];
        for (var i = 1; i < timestamps.Count; i++) gaps[i - 1] = Stopwatch.GetElapsedTime(timestamps[i - 1], timestamps[i]).TotalMilliseconds;
        var average = gaps.Average();
        var deviation = Math.Sqrt(gaps.Sum(g => (g - average) * (g - average)) / gaps.Length);
        return new Intervals(gaps.Length, average, gaps.Min(), gaps.Max(), deviation, gaps.Sum());
    }

    public override string ToString()
        => $"{Count} intervals: average {Average:F3} ms, min {Min:F2}, max {Max:F2}, σ {StandardDeviation:F2}, span {Span:F1} ms";
}
