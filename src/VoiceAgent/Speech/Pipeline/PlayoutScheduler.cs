using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace VoiceAgent.Speech.Pipeline;

/// <summary>
/// The one pacing clock of every call's <see cref="Playout"/> in the process, one tick per 20 ms frame. On each tick it
/// hands every playout whose next frame is due that frame: the playout's drain runs on the tick's thread and writes it
/// through the call's socket writer, returning at the first write that does not complete at once (a slow socket then
/// goes on by itself, on the pool), so one slow call never delays the others.
/// </summary>
/// <remarks>
/// <para>With the system clock the ticks come from a dedicated pacing thread (<see cref="PacingThread"/>), not from a timer on
/// the thread pool: on a busy machine a pool timer's callback queues behind every call's work and wakes tens of ms late,
/// while the pacing thread sleeps to the next 20 ms deadline on an absolute schedule and skips (never replays) slots it
/// overslept. With any other <see cref="TimeProvider"/> (tests' fake clocks) a <see cref="PeriodicTimer"/> on that clock
/// drives the same <see cref="TickAll"/>.</para>
/// <para>Playouts register while they run. The ticks run only while at least one is registered, so an idle server
/// does not wake up 50 times a second. The set of playouts is an array replaced (copy-on-write) on registration, so
/// a tick walks it without a lock or an allocation.</para>
/// </remarks>
internal sealed partial class PlayoutScheduler : IAsyncDisposable
{
    /// <summary>One frame of audio: the pace at which due frames are released.</summary>
    public static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(20);

    /// <summary>Name of the dedicated pacing thread (it shows in dumps and traces).</summary>
    public const string PacingThread = "playout-pacing";

    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly TickWindow _window;
    private readonly long _tickTicks;
    private readonly Channel<bool> _arrived = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });
    private readonly SemaphoreSlim _arrivedForThread = new(0, 1);
    private readonly PlayoutTicks _ticks;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private Playout[] _playouts = [];
    private long _gridStart; // clock timestamp the running ticks started at: they are due at _gridStart + n × Tick

    /// <param name="ticks">
    /// What drives the ticks; null: the dedicated pacing thread when <paramref name="clock"/> is
    /// <see cref="TimeProvider.System"/> (production), otherwise a <see cref="PeriodicTimer"/> on <paramref name="clock"/>.
    /// </param>
    public PlayoutScheduler(TimeProvider clock, ILogger<PlayoutScheduler>? logger = null, PlayoutTicks? ticks = null)
    {
        _clock = clock;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _window = new TickWindow(clock.TimestampFrequency);
        _tickTicks = (long)(Tick.TotalSeconds * clock.TimestampFrequency);
        _ticks = ticks ?? (ReferenceEquals(clock, TimeProvider.System) ? PlayoutTicks.PacingThread : PlayoutTicks.Timer);
        _gridStart = clock.GetTimestamp(); // the caller's ticks fall on this grid; the others restart it when they start
        _loop = _ticks switch
        {
            PlayoutTicks.PacingThread => StartPacingThread(),
            PlayoutTicks.Timer => RunTimerAsync(_stop.Token),
            _ => Task.CompletedTask,
        };
    }

    /// <summary>What drives this scheduler's ticks.</summary>
    public PlayoutTicks Ticks => _ticks;

    /// <summary>Playouts currently paced by this scheduler.</summary>
    public int Count => Volatile.Read(ref _playouts).Length;

    /// <summary>From now on, <paramref name="playout"/> is told on each tick when its next frame is due.</summary>
    public void Register(Playout playout)
    {
        Swap(all => [.. all, playout]);
        if (_ticks == PlayoutTicks.Timer) _arrived.Writer.TryWrite(true);
        else if (_ticks == PlayoutTicks.PacingThread && _arrivedForThread.CurrentCount == 0)
        {
            try { _arrivedForThread.Release(); }
            catch (SemaphoreFullException) { } // a racing registration already woke it
        }
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

    /// <summary>One tick at <paramref name="now"/>: every playout whose next frame is due sends it. Shared by both drivers.</summary>
    internal void TickAll(long now)
    {
        var playouts = Volatile.Read(ref _playouts);
        foreach (var playout in playouts) playout.OnTick(now);
        if (_logger.IsEnabled(LogLevel.Debug) && _window.Add(now, _clock.GetTimestamp(), playouts.Length)) LogWindow(_window);
    }

    private async Task RunTimerAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (await _arrived.Reader.WaitToReadAsync(cancellationToken))
            {
                _arrived.Reader.TryRead(out _);
                Volatile.Write(ref _gridStart, _clock.GetTimestamp()); // before the timer exists, so no tick precedes its grid
                using var timer = new PeriodicTimer(Tick, _clock);
                // A registration racing the last unregistration re-signals _arrived, so the loop comes back here.
                _window.Restart(_clock.GetTimestamp());
                while (Volatile.Read(ref _playouts).Length > 0 && await timer.WaitForNextTickAsync(cancellationToken))
                    TickAll(_clock.GetTimestamp());
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The process is stopping; every playout ends on its own call's token.
        }
    }

    private Task StartPacingThread()
    {
        var ended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                RunPacingThread(_stop.Token);
                ended.TrySetResult();
            }
            catch (Exception ex)
            {
                ended.TrySetException(ex);
            }
        })
        {
            IsBackground = true,
            Name = PacingThread,
        };
        try
        {
            thread.Priority = ThreadPriority.Highest; // honoured where the OS lets an unprivileged process raise it
        }
        catch (Exception ex) when (ex is ThreadStateException or PlatformNotSupportedException or UnauthorizedAccessException)
        {
            // Normal priority: the thread still never queues behind the pool.
        }
        thread.Start();
        return ended.Task;
    }

    /// <summary>
    /// The pacing thread: sleeps until a playout registers, then ticks at <c>start + n × 20 ms</c> for as long as any
    /// is registered. Deadlines are absolute, so sleeping a little long never drifts the grid; after oversleeping one or
    /// more whole slots it ticks once, late, and goes on with the next slot on the grid (the playouts send what fell
    /// due, refilling the lead, not a frame per missed slot).
    /// </summary>
    private void RunPacingThread(CancellationToken cancellationToken)
    {
        var stopped = cancellationToken.WaitHandle;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                _arrivedForThread.Wait(cancellationToken);
                var start = _clock.GetTimestamp();
                Volatile.Write(ref _gridStart, start);
                _window.Restart(start);
                for (long slot = 1; Volatile.Read(ref _playouts).Length > 0; slot++)
                {
                    var due = start + slot * _tickTicks;
                    for (var now = _clock.GetTimestamp(); now < due; now = _clock.GetTimestamp())
                    {
                        var ms = (int)Math.Ceiling((due - now) * 1000.0 / _clock.TimestampFrequency);
                        if (stopped.WaitOne(Math.Max(ms, 1))) return;
                    }
                    var woke = _clock.GetTimestamp();
                    slot += (woke - due) / _tickTicks; // whole slots overslept are skipped
                    TickAll(woke);
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
        return start + (timestamp - start) / _tickTicks * _tickTicks;
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
        _arrivedForThread.Dispose();
    }
}
