namespace VoiceAgent.Hosting.Memory;

/// <summary>How the process gives memory back once a wave of calls has ended.</summary>
internal enum ReclaimMode
{
    /// <summary>Nothing to do.</summary>
    None,
    /// <summary>Calls are still live: a background (concurrent) full collection that frees the ended calls' objects without a long pause.</summary>
    Background,
    /// <summary>No call is live: a blocking, compacting full collection that also returns the freed memory to the OS.</summary>
    Aggressive,
}

/// <summary>
/// Decides when a wave of calls has ended, from the number of live calls sampled over time. The GC only runs when
/// something allocates, so a server that falls quiet after a burst (or after a wave of stuck callers was ended)
/// keeps the dead calls' memory until the next busy spell. A wave has ended when at least
/// <paramref name="minEndedCalls"/> calls fewer than the most seen since the last reclaim are live, no more than half
/// that peak, and this has held for <paramref name="quiet"/> (so a collection never lands in the middle of a wave's
/// tail). One reclaim per wave: the peak starts again from the calls still live. A wave whose last few calls were still
/// live then (a background collection) is compacted once none is left, after the same quiet period.
/// </summary>
internal sealed class WaveEndPolicy(int minEndedCalls, TimeSpan quiet)
{
    private int _peak;
    private DateTimeOffset? _endedSince;
    private bool _compactPending;

    /// <summary>The most calls live at once since the last reclaim.</summary>
    public int Peak => _peak;

    /// <summary>Takes one sample of the live calls; returns the reclaim to run now, if any.</summary>
    public ReclaimMode Observe(int liveCalls, DateTimeOffset now)
    {
        if (minEndedCalls <= 0) return ReclaimMode.None;
        if (liveCalls > _peak) _peak = liveCalls;
        var ended = (_peak - liveCalls >= minEndedCalls && liveCalls <= _peak / 2) || (_compactPending && liveCalls == 0);
        if (!ended)
        {
            _endedSince = null;
            return ReclaimMode.None;
        }
        _endedSince ??= now;
        if (now - _endedSince.Value < quiet) return ReclaimMode.None;
        _peak = liveCalls;
        _endedSince = null;
        _compactPending = liveCalls > 0;
        return liveCalls == 0 ? ReclaimMode.Aggressive : ReclaimMode.Background;
    }
}
