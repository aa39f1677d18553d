using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using VoiceAgent.Hosting.Drain;
using VoiceAgent.Observability;

namespace VoiceAgent.Hosting.Memory;

/// <summary>
/// Gives the memory of a wave of ended calls back (<c>MEMORY_RECLAIM_AFTER_CALLS</c>, <c>MEMORY_RECLAIM_QUIET_MS</c>):
/// samples the live calls once a second and, when <see cref="WaveEndPolicy"/> says a wave has ended, runs one full
/// collection: aggressive (compacting, decommitting) when no call is live, a background one otherwise. Without it a
/// server that falls quiet after a burst keeps the ended calls' heap committed, because the GC only runs when
/// something allocates. Metric: <c>voiceagent.memory.reclaims</c> by mode.
/// </summary>
internal sealed class MemoryReclaimer(LiveCalls calls, MemoryReclaimOptions options, TimeProvider clock, IMeterFactory meters, ILogger<MemoryReclaimer> logger)
    : BackgroundService
{
    /// <summary>Full collections run because a wave of calls ended, by mode (background, aggressive).</summary>
    public const string Reclaims = "voiceagent.memory.reclaims";

    private static readonly TimeSpan SampleEvery = TimeSpan.FromSeconds(1);
    private readonly WaveEndPolicy _policy = new(options.AfterEndedCalls, options.Quiet);
    private readonly Counter<long> _reclaims = meters.Create(VoiceAgentMetrics.MeterName)
        .CreateCounter<long>(Reclaims, "{collection}", "Full collections run because a wave of calls ended");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.AfterEndedCalls <= 0) return;
        using var timer = new PeriodicTimer(SampleEvery, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken)) Sample(clock.GetUtcNow());
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    /// <summary>One sample of the live calls at <paramref name="now"/> (the loop's tick); runs the reclaim the policy asks for and returns it.</summary>
    internal ReclaimMode Sample(DateTimeOffset now)
    {
        var live = calls.Count;
        var peak = Math.Max(_policy.Peak, live);
        var mode = _policy.Observe(live, now);
        if (mode != ReclaimMode.None) Reclaim(mode, peak, live);
        return mode;
    }

    private void Reclaim(ReclaimMode mode, int peak, int live)
    {
        var before = GC.GetGCMemoryInfo();
        if (mode == ReclaimMode.Aggressive)
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        else
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: false, compacting: false);
        _reclaims.Add(1, new KeyValuePair<string, object?>("mode", mode == ReclaimMode.Aggressive ? "aggressive" : "background"));
        var beforeMb = before.TotalCommittedBytes / (1024 * 1024);
        if (mode == ReclaimMode.Aggressive) MemoryReclaimLog.Compacted(logger, peak, beforeMb, GC.GetGCMemoryInfo().TotalCommittedBytes / (1024 * 1024));
        else MemoryReclaimLog.BackgroundStarted(logger, peak, live, beforeMb);
    }
}
