namespace VoiceAgent.Tests.TestSupport;

/// <summary>
/// A TimeProvider whose time moves only when a test calls <see cref="Advance"/>; timers fire then.
/// (Microsoft.Extensions.TimeProvider.Testing is not on the package feed here.)
/// </summary>
public sealed class ManualTimeProvider : TimeProvider
{
    private readonly object _gate = new();
    private readonly List<ManualTimer> _timers = [];
    private long _ticks = TimeSpan.FromDays(1).Ticks;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;
    public override long GetTimestamp() { lock (_gate) return _ticks; }
    public override DateTimeOffset GetUtcNow() { lock (_gate) return new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(_ticks); }

    /// <summary>True when a timer is set to fire within <paramref name="within"/> from now.</summary>
    public bool HasTimerDueWithin(TimeSpan within)
    {
        lock (_gate) return _timers.Any(t => t.DueAt <= _ticks + within.Ticks);
    }

    /// <summary>True when a timer is set to fire exactly <paramref name="dueIn"/> from now.</summary>
    public bool HasTimerDueIn(TimeSpan dueIn)
    {
        lock (_gate) return _timers.Any(t => t.DueAt == _ticks + dueIn.Ticks);
    }

    /// <summary>How many timers are set to fire (created and not stopped or disposed).</summary>
    public int PendingTimers
    {
        get { lock (_gate) return PendingTimersLocked(); }
    }

    public void Advance(TimeSpan by)
    {
        long target;
        lock (_gate) target = _ticks + by.Ticks;
        while (true)
        {
            ManualTimer? due;
            lock (_gate)
            {
                due = _timers.Where(t => t.DueAt <= target).OrderBy(t => t.DueAt).FirstOrDefault();
                if (due is null) { _ticks = target; return; }
                _ticks = Math.Max(_ticks, due.DueAt);
                due.DueAt = due.Period > 0 ? due.DueAt + due.Period : long.MaxValue;
            }
            due.Fire();
        }
    }

    /// <summary>
    /// Completes once at least <paramref name="count"/> timers are waiting to fire: the code under test has reached
    /// its wait (e.g. a <c>Task.Delay</c> on this clock), so a test can look at what it did before it, then advance.
    /// </summary>
    public Task WaitForPendingTimersAsync(int count = 1)
    {
        lock (_gate)
        {
            if (PendingTimersLocked() >= count) return Task.CompletedTask;
            var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _timerWaiters.Add((count, waiter));
            return waiter.Task;
        }
    }

    /// <summary>Completes once at most <paramref name="count"/> timers are waiting to fire (the code under test stopped or disposed the others).</summary>
    public Task WaitForPendingTimersAtMostAsync(int count)
    {
        lock (_gate)
        {
            if (PendingTimersLocked() <= count) return Task.CompletedTask;
            var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _timerDrainWaiters.Add((count, waiter));
            return waiter.Task;
        }
    }

    private readonly List<(int Count, TaskCompletionSource Done)> _timerWaiters = [];
    private readonly List<(int Count, TaskCompletionSource Done)> _timerDrainWaiters = [];

    private int PendingTimersLocked() => _timers.Count(t => t.DueAt != long.MaxValue);

    private void TimersChangedLocked()
    {
        if (_timerWaiters.Count == 0 && _timerDrainWaiters.Count == 0) return;
        var pending = PendingTimersLocked();
        foreach (var waiter in _timerDrainWaiters.Where(w => w.Count >= pending).ToList())
        {
            _timerDrainWaiters.Remove(waiter);
            waiter.Done.TrySetResult();
        }
        foreach (var waiter in _timerWaiters.Where(w => w.Count <= pending).ToList())
        {
            _timerWaiters.Remove(waiter);
            waiter.Done.TrySetResult();
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var t = new ManualTimer(this, callback, state);
        t.Change(dueTime, period);
        return t;
    }

    private sealed class ManualTimer(ManualTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        public long DueAt = long.MaxValue;
        public long Period;
        public void Fire() => callback(state);

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (owner._gate)
            {
                DueAt = dueTime == Timeout.InfiniteTimeSpan ? long.MaxValue : owner._ticks + dueTime.Ticks;
                Period = period == Timeout.InfiniteTimeSpan || period == TimeSpan.Zero ? 0 : period.Ticks;
                if (!owner._timers.Contains(this)) owner._timers.Add(this);
                owner.TimersChangedLocked();
            }
            return true;
        }

        public void Dispose()
        {
            lock (owner._gate)
            {
                owner._timers.Remove(this);
                owner.TimersChangedLocked();
            }
        }
        public ValueTask DisposeAsync() { Dispose(); return ValueTask.CompletedTask; }
    }
}
