using System.Diagnostics;

namespace VoiceAgent.Cli.Bench.Outside;

/// <summary>
/// The load generator watching itself: a 20 ms timer in the bench process whose every wake-up is compared with when it
/// was due. The callers stamp each frame's arrival when their receive loop gets to it, so a bench that falls behind
/// (CPU, thread-pool queueing) makes frames look late and invents underruns; this lag says whether it did. A level's
/// underruns are the server's only where the bench's lag stayed well under the playout lead.
/// </summary>
internal static class BenchLagProbe
{
    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(20);

    /// <summary>Runs until <paramref name="cancellationToken"/> is cancelled; then returns how late each wake-up was (ms).</summary>
    public static Task<LatencyStats> Start(CancellationToken cancellationToken) => Task.Run(async () =>
    {
        var lags = new List<double>();
        using var timer = new PeriodicTimer(Period);
        var start = Stopwatch.GetTimestamp();
        var periodTicks = Period.TotalSeconds * Stopwatch.Frequency;
        var nextDue = periodTicks;
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                var since = Stopwatch.GetTimestamp() - start;
                // Against the first tick not seen yet: a stall of several periods counts in full (a late timer skips, not queues).
                lags.Add(Math.Max(0, since - nextDue) * 1000.0 / Stopwatch.Frequency);
                nextDue = (Math.Floor(since / periodTicks) + 1) * periodTicks;
            }
        }
        catch (OperationCanceledException) { }
        return LatencyStats.Of(lags);
    }, CancellationToken.None);
}
