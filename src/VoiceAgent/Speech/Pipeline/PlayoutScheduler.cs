using System.Threading.Channels;

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
internal sealed class PlayoutScheduler : IAsyncDisposable
{
    /// <summary>One frame of audio: the pace at which due frames are released.</summary>
    public static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(20);

    private readonly TimeProvider _clock;
    private readonly Channel<bool> _arrived = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private Playout[] _playouts = [];
    private long _gridStart; // clock timestamp the running timer was started at: its ticks are due at _gridStart + n × Tick

    public PlayoutScheduler(TimeProvider clock)
    {
        _clock = clock;
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
                while (Volatile.Read(ref _playouts).Length > 0 && await timer.WaitForNextTickAsync(cancellationToken))
                {
                    var now = _clock.GetTimestamp();
                    foreach (var playout in Volatile.Read(ref _playouts)) playout.OnTick(now);
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

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
