using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using VoiceAgent.Observability;

namespace VoiceAgent.Storage.Sessions;

/// <summary>
/// The one background writer of this process: calls hand it a snapshot after each turn (a dictionary write and a
/// channel post, nothing awaited) and it writes them to the store in order, keeping only the newest per call when
/// writes fall behind. A turn never waits for the store, so the write is off the path between the model's first
/// delta and the caller. When the store is down the newest snapshot of each call is kept in memory, the degradation
/// is logged once, and everything kept is written again as soon as the store answers.
/// </summary>
internal sealed partial class SessionWriter : BackgroundService
{
    /// <summary>How long one snapshot write took (ms), measured on the writer, not on any turn.</summary>
    public const string WriteDuration = "voiceagent.session.write_duration";

    private static readonly TimeSpan RecoveryInterval = TimeSpan.FromSeconds(1);
    private readonly Channel<WorkItem> _work = Channel.CreateUnbounded<WorkItem>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<string, SessionSnapshot> _pending = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SessionSnapshot> _unsaved = new(StringComparer.Ordinal);
    private readonly ISessionStore _store;
    private readonly TimeProvider _clock;
    private readonly ILogger<SessionWriter> _logger;
    private readonly Histogram<double> _writeDuration;
    private volatile bool _degraded;
    private long _writes;

    public SessionWriter(ISessionStore store, TimeProvider clock, IMeterFactory meters, ILogger<SessionWriter> logger)
    {
        _store = store;
        _clock = clock;
        _logger = logger;
        _writeDuration = meters.Create(VoiceAgentMetrics.MeterName).CreateHistogram<double>(WriteDuration, "ms", "Session snapshot write to the store");
    }

    /// <summary>True while the store is unreachable (shown in <c>/readyz</c>).</summary>
    public bool IsDegraded => _degraded;

    /// <summary>Snapshots written to the store so far.</summary>
    public long Writes => Interlocked.Read(ref _writes);

    /// <summary>Queues <paramref name="snapshot"/> for writing; returns at once. A newer snapshot of the same call replaces it.</summary>
    public void Enqueue(SessionSnapshot snapshot)
    {
        _pending[snapshot.CallSid] = snapshot;
        _work.Writer.TryWrite(new WorkItem(snapshot.CallSid, null));
    }

    /// <summary>Completes when everything queued before this call has been written (or kept for when the store returns).</summary>
    public Task FlushAsync(CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_work.Writer.TryWrite(new WorkItem(null, done))) return Task.CompletedTask;
        return done.Task.WaitAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var recovery = RecoverLoopAsync(stoppingToken);
        // The queue is drained to the end even while stopping: the last state of a drained call must reach the store.
        await foreach (var item in _work.Reader.ReadAllAsync(CancellationToken.None))
        {
            if (item.Flushed is { } flushed) { flushed.TrySetResult(); continue; }
            if (_pending.TryRemove(item.CallSid!, out var snapshot)) await WriteAsync(snapshot);
        }
        await recovery;
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _work.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
    }

    private async Task WriteAsync(SessionSnapshot snapshot)
    {
        if (_degraded)
        {
            _unsaved[snapshot.CallSid] = snapshot;
            return;
        }
        var started = _clock.GetTimestamp();
        try
        {
            await _store.SaveAsync(snapshot, CancellationToken.None);
            Interlocked.Increment(ref _writes);
            if (_writeDuration.Enabled) _writeDuration.Record(_clock.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (SessionStoreUnavailableException ex)
        {
            _unsaved[snapshot.CallSid] = snapshot;
            if (!_degraded)
            {
                _degraded = true;
                LogDegraded(_logger, ex.Message);
            }
        }
    }

    private async Task RecoverLoopAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try { await Task.Delay(RecoveryInterval, _clock, stoppingToken); }
            catch (OperationCanceledException) { return; }
            if (!_degraded) continue;
            try
            {
                await _store.PingAsync(stoppingToken);
                var rewritten = 0;
                foreach (var callSid in _unsaved.Keys)
                {
                    if (!_unsaved.TryRemove(callSid, out var snapshot)) continue;
                    try
                    {
                        await _store.SaveAsync(snapshot, stoppingToken);
                        Interlocked.Increment(ref _writes);
                        rewritten++;
                    }
                    catch (SessionStoreUnavailableException)
                    {
                        _unsaved.TryAdd(callSid, snapshot);
                        throw;
                    }
                }
                _degraded = false;
                // Anything kept between the last pass and clearing the flag goes through the normal queue.
                foreach (var callSid in _unsaved.Keys)
                    if (_unsaved.TryRemove(callSid, out var late)) Enqueue(late);
                LogRestored(_logger, rewritten);
            }
            catch (SessionStoreUnavailableException)
            {
                // still down; try again on the next tick
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private sealed record WorkItem(string? CallSid, TaskCompletionSource? Flushed);

    [LoggerMessage(EventId = EventIds.SessionStoreDegraded, Level = LogLevel.Warning, Message = "Session store unreachable; calls continue in process and their state is written again when it returns ({Reason})")]
    private static partial void LogDegraded(ILogger logger, string reason);

    [LoggerMessage(EventId = EventIds.SessionStoreRestored, Level = LogLevel.Warning, Message = "Session store reachable again; {Count} call states written again")]
    private static partial void LogRestored(ILogger logger, int count);
}
