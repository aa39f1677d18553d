using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace VoiceAgent.Speech.Pipeline;

/// <summary>
/// The one pacing clock of every call's <see cref="Playout"/> in the process: a single periodic timer on the injected
/// <see cref="TimeProvider"/> (one tick per 20 ms frame) that, on each tick, tells every playout whose next frame is
/// due to send it. It only signals: each call's own playout loop does its writing, so a call whose socket write is
/// still pending (it is not waiting for a tick) is simply skipped for that tick and never delays the others.
/// </summary>
/// <remarks>
/// Playouts register while they run. The timer exists only while at least one is registered, so an idle server
/// does not wake up 50 times a second. The set of playouts is an array replaced (copy-on-write) on registration, so
/// a tick walks it without a lock or an allocation.
/// </remarks>
internal sealed partial class PlayoutScheduler : IAsyncDisposable
{
    /// <summary>One frame of audio: the pace at which due frames are released.</summary>
    public static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(20);

    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly TickWindow _window;
    private readonly Channel<bool> _arrived = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private Playout[] _playouts = [];
    private long _gridStart; // clock timestamp the running timer was started at: its ticks are due at _gridStart + n × Tick

    public PlayoutScheduler(TimeProvider clock, ILogger<PlayoutScheduler>? logger = null)
    {
        _clock = clock;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _window = new TickWindow(clock.TimestampFrequency);
        _loop = RunAsync(_stop.Token);
    }

    /// <summary>Playouts currently paced by this scheduler.</summary>
    public int Count => Volatile.Read(ref _playouts).Length;

    /// <summary>From now on, <paramref name="playout"/> is told on each tick when its next frame is due.</summary>
    public void Register(Playout playout)
    {
        Swap(all => [.. all, playout]);
        _arrived.Writer.TryWrite(true);
    }

    public void Unregister(Playout playout) => Swap(all => Array.FindAll(all, p => !ReferenceEquals(p, playout)));

    // Copy-on-write: registrations are rare (a call's start and end), ticks are many and read without a lock.
    private void Swap(Func<Playout[], Playout[]> change)
    {
        for (var current = Volatile.Read(ref _playouts); ;)
        {
            var seen = Interlocked.CompareExchange(ref _playouts, change(current), current);
            if (ReferenceEquals(seen, current)) return;
            current = seen;
        }
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (await _arrived.Reader.WaitToReadAsync(cancellationToken))
            {
                _arrived.Reader.TryRead(out _);
                Volatile.Write(ref _gridStart, _clock.GetTimestamp()); // before the timer exists, so no tick precedes its grid
                using var timer = new PeriodicTimer(Tick, _clock);
                // A registration racing the last unregistration re-signals _arrived, so the loop comes back here.
                var measure = _logger.IsEnabled(LogLevel.Debug);
                _window.Restart(_clock.GetTimestamp());
                while (Volatile.Read(ref _playouts).Length > 0 && await timer.WaitForNextTickAsync(cancellationToken))
                {
                    var now = _clock.GetTimestamp();
                    var playouts = Volatile.Read(ref _playouts);
                    foreach (var playout in playouts) playout.OnTick(now);
                    if (measure && _window.Add(now, _clock.GetTimestamp(), playouts.Length)) LogWindow(_window);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The process is stopping; every playout ends on its own call's token.
        }
    }

    /// <summary>
    /// The last tick due at or before <paramref name="timestamp"/> on the running timer's schedule: the tick that releases
    /// a frame whose carrier deadline is <paramref name="timestamp"/>, so frames leave on the shared ticks, never a
    /// tick late, whatever moment a reply started at. A tick that fires late still belongs to its slot.
    /// </summary>
    internal long SlotAtOrBefore(long timestamp)
    {
        var start = Volatile.Read(ref _gridStart);
        if (timestamp <= start) return timestamp;
        var tick = (long)(Tick.TotalSeconds * _clock.TimestampFrequency);
        return start + (timestamp - start) / tick * tick;
    }

    private void LogWindow(TickWindow window)
    {
        LogTicks(_logger, window.Ticks, window.Playouts, window.GapMs(0.5), window.GapMs(0.99), window.GapMs(1), window.MaxWalkMs,
            window.MaxPendingWorkItems, ThreadPool.ThreadCount, window.GcPauseMs, window.Gen0, window.Gen2);
        window.Restart(_clock.GetTimestamp());
    }

    // Debug: one line per window of ticks (about 5 s) while calls play, to tell our own pacing lateness (tick gaps, the
    // walk over the playouts, thread-pool queueing, GC pauses) from a load generator's.
    [LoggerMessage(EventId = 5071, Level = LogLevel.Debug, Message = "Playout ticks: {Ticks} ticks, {Playouts} playouts; gap between ticks p50/p99/max {GapP50Ms:F1}/{GapP99Ms:F1}/{GapMaxMs:F1} ms (20 on time); walk max {WalkMaxMs:F2} ms; thread pool queue max {PendingMax}, threads {Threads}; GC pause {GcPauseMs:F1} ms, gen0 {Gen0}, gen2 {Gen2}")]
    private static partial void LogTicks(ILogger logger, int ticks, int playouts, double gapP50Ms, double gapP99Ms, double gapMaxMs, double walkMaxMs,
        long pendingMax, int threads, double gcPauseMs, int gen0, int gen2);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
