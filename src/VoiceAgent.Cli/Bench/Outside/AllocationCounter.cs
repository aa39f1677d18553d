using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;
using System.Collections.Concurrent;

namespace VoiceAgent.Cli.Bench.Outside;

/// <summary>
/// Bytes a .NET server process allocates, from the runtime's own <c>System.Runtime</c> counters (<c>alloc-rate</c>,
/// whose per-interval increments sum to the bytes allocated) over an EventPipe session on the process's diagnostic
/// port, the way dotnet-counters reads them. Chosen over an endpoint in the server because it needs nothing from
/// the server: a baseline build of main is measured exactly like the candidate, and no extra surface is exposed.
/// The sum has one counter interval (1 s) of granularity at each end of the window.
/// With type sampling on, the runtime's <c>GCAllocationTick</c> events (one about every 100 KB allocated, naming the
/// type of the object that crossed the mark and the bytes since the last tick) are summed per type: a statistical
/// profile of who allocates, the way PerfView's "GC Heap Alloc Ignore Free" view reads it.
/// The same session reads what a latency tail is made of: GC counts and pause time, the thread pool's completed work
/// items (its hops) and queue length, and monitor lock contention.
/// </summary>
internal sealed class AllocationCounter : IAsyncDisposable
{
    private readonly EventPipeSession _session;
    private readonly EventPipeEventSource _source;
    private readonly Task _processing;
    private long _allocatedBytes;
    private long _gen0;
    private long _gen1;
    private long _gen2;
    private double _gcPauseMs;
    private long _threadPoolItems;
    private double _threadPoolQueueMax;
    private long _lockContentions;
    private readonly Lock _doubles = new();
    private readonly ConcurrentDictionary<string, long> _sampledByType = new(StringComparer.Ordinal);

    private AllocationCounter(EventPipeSession session, bool sampleTypes)
    {
        _session = session;
        _source = new EventPipeEventSource(session.EventStream);
        _source.Dynamic.All += OnEvent;
        if (sampleTypes) _source.Clr.GCAllocationTick += OnAllocationTick;
        _processing = Task.Run(() => _source.Process());
    }

    public long AllocatedBytes => Interlocked.Read(ref _allocatedBytes);
    public long Gen0Collections => Interlocked.Read(ref _gen0);
    public long Gen1Collections => Interlocked.Read(ref _gen1);
    public long Gen2Collections => Interlocked.Read(ref _gen2);

    /// <summary>Time the GC paused the process (<c>total-pause-time-by-gc</c>), in ms.</summary>
    public double GcPauseMs { get { lock (_doubles) return _gcPauseMs; } }

    /// <summary>Work items the thread pool completed (<c>threadpool-completed-items-count</c>): its hops.</summary>
    public long ThreadPoolCompletedItems => Interlocked.Read(ref _threadPoolItems);

    /// <summary>The largest one-second mean of the thread pool's queue (<c>threadpool-queue-length</c>): work waiting for a thread.</summary>
    public double ThreadPoolQueueMax { get { lock (_doubles) return _threadPoolQueueMax; } }

    /// <summary>Times a thread waited for a monitor lock (<c>monitor-lock-contention-count</c>).</summary>
    public long LockContentions => Interlocked.Read(ref _lockContentions);

    /// <summary>The sampled bytes per allocated type, largest first (empty unless type sampling is on).</summary>
    public IReadOnlyList<KeyValuePair<string, long>> SampledByType()
        => [.. _sampledByType.OrderByDescending(kv => kv.Value)];

    /// <summary>Starts counting; null (with the reason written to <paramref name="log"/>) when the process has no diagnostic port.</summary>
    /// <param name="sampleTypes">Also sample allocation ticks per type (verbose GC events: adds cost to the traced process).</param>
    public static AllocationCounter? TryStart(int pid, TextWriter log, bool sampleTypes = false)
    {
        try
        {
            var client = new DiagnosticsClient(pid);
            var provider = new EventPipeProvider("System.Runtime", EventLevel.Informational, (long)EventKeywords.None,
                new Dictionary<string, string> { ["EventCounterIntervalSec"] = "1" });
            EventPipeProvider[] providers = sampleTypes
                ? [provider, new EventPipeProvider("Microsoft-Windows-DotNETRuntime", EventLevel.Verbose, (long)Microsoft.Diagnostics.Tracing.Parsers.ClrTraceEventParser.Keywords.GC)]
                : [provider];
            return new AllocationCounter(client.StartEventPipeSession(providers, requestRundown: false), sampleTypes);
        }
        catch (Exception ex) when (ex is ServerNotAvailableException or UnsupportedCommandException or TimeoutException or IOException)
        {
            log.WriteLine($"  allocation counters unavailable for pid {pid}: {ex.Message}");
            return null;
        }
    }

    private void OnAllocationTick(GCAllocationTickTraceData e)
        => _sampledByType.AddOrUpdate(e.TypeName ?? "(unknown)", e.AllocationAmount64, (_, sum) => sum + e.AllocationAmount64);

    private void OnEvent(TraceEvent e)
    {
        if (e.EventName != "EventCounters" || e.PayloadValue(0) is not IDictionary<string, object> outer
            || !outer.TryGetValue("Payload", out var inner) || inner is not IDictionary<string, object> payload) return;
        var increment = payload.TryGetValue("Increment", out var v) ? Convert.ToDouble(v, System.Globalization.CultureInfo.InvariantCulture) : 0;
        switch (payload.TryGetValue("Name", out var name) ? name as string : null)
        {
            case "alloc-rate": Interlocked.Add(ref _allocatedBytes, (long)increment); break;
            case "gen-0-gc-count": Interlocked.Add(ref _gen0, (long)increment); break;
            case "gen-1-gc-count": Interlocked.Add(ref _gen1, (long)increment); break;
            case "gen-2-gc-count": Interlocked.Add(ref _gen2, (long)increment); break;
            case "threadpool-completed-items-count": Interlocked.Add(ref _threadPoolItems, (long)increment); break;
            case "monitor-lock-contention-count": Interlocked.Add(ref _lockContentions, (long)increment); break;
            case "total-pause-time-by-gc":
                lock (_doubles) _gcPauseMs += increment;
                break;
            case "threadpool-queue-length":
                var mean = payload.TryGetValue("Mean", out var m) ? Convert.ToDouble(m, System.Globalization.CultureInfo.InvariantCulture) : 0;
                lock (_doubles) _threadPoolQueueMax = Math.Max(_threadPoolQueueMax, mean);
                break;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try { await _session.StopAsync(CancellationToken.None); }
        catch (Exception ex) when (ex is ServerNotAvailableException or IOException or TimeoutException) { }
        try { await _processing.WaitAsync(TimeSpan.FromSeconds(5)); }
        catch (Exception ex) when (ex is TimeoutException or IOException or InvalidOperationException) { }
        _source.Dispose();
        _session.Dispose();
    }
}
