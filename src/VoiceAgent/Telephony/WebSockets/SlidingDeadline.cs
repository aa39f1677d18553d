namespace VoiceAgent.Telephony.WebSockets;

/// <summary>
/// A time limit restarted very often (on every frame of a call) that costs a clock read per restart instead of a timer
/// change: the one timer on the injected <see cref="TimeProvider"/> is armed only when it is not already, and when it
/// fires before the limit has really passed since the last restart (the limit was restarted meanwhile) it re-arms
/// for what is left. So a socket that sends or receives 50 frames a second touches its timer about once per limit,
/// and the limit still expires exactly <c>limit</c> after the last <see cref="Restart"/> with no <see cref="Stop"/>.
/// </summary>
/// <remarks>
/// Thread-safe: the timer only ever fires early, never late. The timer's deadline is set either on arming (now plus
/// the limit) or on a re-arm from a restart time read after the arm flag was cleared, and restart times only grow.
/// </remarks>
internal sealed class SlidingDeadline : IDisposable
{
    private readonly TimeProvider _clock;
    private readonly TimeSpan _limit;
    private readonly Action _expired;
    private readonly ITimer _timer;
    private long _since; // clock timestamp the limit counts from; 0 while stopped
    private int _armed;

    /// <param name="expired">Called (on a timer thread) when the limit passed since the last restart without a stop.</param>
    public SlidingDeadline(TimeProvider clock, TimeSpan limit, Action expired)
    {
        _clock = clock;
        _limit = limit;
        _expired = expired;
        _timer = clock.CreateTimer(static s => ((SlidingDeadline)s!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>The limit counts from now (whether it was running or stopped).</summary>
    public void Restart()
    {
        if (_limit == Timeout.InfiniteTimeSpan) return; // no limit
        var now = _clock.GetTimestamp();
        Interlocked.Exchange(ref _since, now == 0 ? 1 : now);
        if (Interlocked.CompareExchange(ref _armed, 1, 0) == 0) _timer.Change(_limit, Timeout.InfiniteTimeSpan);
    }

    /// <summary>The limit no longer runs until the next <see cref="Restart"/> (an armed timer fires once more and finds it stopped).</summary>
    public void Stop() => Interlocked.Exchange(ref _since, 0);

    private void OnTimer()
    {
        Interlocked.Exchange(ref _armed, 0);
        var since = Interlocked.Read(ref _since);
        if (since == 0) return;
        var left = _limit - _clock.GetElapsedTime(since);
        if (left <= TimeSpan.Zero)
        {
            _expired();
            return;
        }
        if (Interlocked.CompareExchange(ref _armed, 1, 0) == 0) _timer.Change(left, Timeout.InfiniteTimeSpan);
    }

    public void Dispose() => _timer.Dispose();
}
