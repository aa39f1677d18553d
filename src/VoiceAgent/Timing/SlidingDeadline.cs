namespace VoiceAgent.Timing;

/// <summary>
/// A time limit restarted very often (on every frame of a call, on every token of a model stream) that costs a clock
/// read per restart instead of a timer change: the one timer on the injected <see cref="TimeProvider"/> is armed only
/// when it is not already, and when it fires before the limit has really passed since the last restart (the limit was
/// restarted meanwhile) it re-arms for what is left. So a socket that sends or receives 50 frames a second touches its
/// timer about once per limit, and the limit still expires exactly <c>limit</c> after the last <see cref="Restart"/>
/// with no <see cref="Stop"/>. An optional first limit runs from construction until the first restart (a model's first
/// token may take longer than the gap between two later ones); the first restart changes the timer once.
/// </summary>
/// <remarks>
/// Thread-safe: the timer only ever fires early, never late. The expiry time (<c>_due</c>) only grows with restarts,
/// except at the first restart after a longer first limit, which re-arms the timer itself; and a re-arm is always
/// computed from the expiry time read after the arm flag was cleared. A timer change that races
/// <see cref="Dispose"/> is dropped.
/// </remarks>
internal sealed class SlidingDeadline : IDisposable
{
    private readonly TimeProvider _clock;
    private readonly TimeSpan _limit;
    private readonly long _limitStamps; // _limit in the clock's timestamp units
    private readonly Action _expired;
    private readonly ITimer _timer;
    private long _due;       // clock timestamp the limit expires at; 0 while stopped
    private int _armed;      // 1 while the timer is set
    private int _firstLimit; // 1 until the first restart after a first limit

    /// <param name="limit">The limit counted from each <see cref="Restart"/>; infinite: never expires.</param>
    /// <param name="expired">Called (on a timer thread) when the limit passed since the last restart without a stop.</param>
    /// <param name="firstLimit">When given, the deadline runs from now with this limit until the first restart or stop.</param>
    public SlidingDeadline(TimeProvider clock, TimeSpan limit, Action expired, TimeSpan? firstLimit = null)
    {
        _clock = clock;
        _limit = limit;
        _limitStamps = ToStamps(limit);
        _expired = expired;
        _timer = clock.CreateTimer(static s => ((SlidingDeadline)s!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        if (firstLimit is { } first && first != Timeout.InfiniteTimeSpan)
        {
            _firstLimit = 1;
            _due = Math.Max(1, clock.GetTimestamp() + ToStamps(first));
            _armed = 1;
            Arm(first);
        }
    }

    /// <summary>The limit counts from now (whether it was running or stopped); a running first limit gives way to it.</summary>
    public void Restart()
    {
        if (_limit == Timeout.InfiniteTimeSpan) return; // no limit
        Interlocked.Exchange(ref _due, Math.Max(1, _clock.GetTimestamp() + _limitStamps));
        if (Volatile.Read(ref _firstLimit) == 1 && Interlocked.Exchange(ref _firstLimit, 0) == 1)
        {
            Interlocked.Exchange(ref _armed, 1);
            Arm(_limit); // the timer may be set for a later first limit: once, it must come earlier
            return;
        }
        if (Interlocked.CompareExchange(ref _armed, 1, 0) == 0) Arm(_limit);
    }

    /// <summary>The limit no longer runs until the next <see cref="Restart"/> (an armed timer fires once more and finds it stopped).</summary>
    public void Stop() => Interlocked.Exchange(ref _due, 0);

    public void Dispose() => _timer.Dispose();

    private void OnTimer()
    {
        Interlocked.Exchange(ref _armed, 0);
        var due = Interlocked.Read(ref _due);
        if (due == 0) return;
        var left = due - _clock.GetTimestamp();
        if (left <= 0)
        {
            _expired();
            return;
        }
        if (Interlocked.CompareExchange(ref _armed, 1, 0) == 0)
            Arm(TimeSpan.FromTicks((long)Math.Ceiling(left * (double)TimeSpan.TicksPerSecond / _clock.TimestampFrequency)));
    }

    private void Arm(TimeSpan due)
    {
        try
        {
            _timer.Change(due, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // The owner ended as the limit was restarted or the timer came due.
        }
    }

    private long ToStamps(TimeSpan span)
        => span == Timeout.InfiniteTimeSpan ? 0 : (long)Math.Ceiling(span.Ticks * (double)_clock.TimestampFrequency / TimeSpan.TicksPerSecond);
}
