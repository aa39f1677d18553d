namespace VoiceAgent.Providers.Resilience;

/// <summary>
/// The stream watchdog's two deadlines on one timer: <see cref="Token"/> is cancelled when no first token came within
/// the first-token timeout, or, after it, when upstream was silent for the stall timeout (time the caller spends
/// holding an update, between <see cref="Hold"/> and <see cref="Release"/>, does not count). Per token the stream
/// only writes two fields; the timer is changed once at the first token and otherwise only when it comes due.
/// </summary>
internal sealed class StreamDeadline : IDisposable
{
    private readonly CancellationTokenSource _expired = new();
    private readonly TimeProvider _clock;
    private readonly TimeSpan _stall;
    private readonly ITimer _timer;
    private long _lastRelease;  // timestamp the caller last handed an update back (valid once _started)
    private int _holding;       // 1 while the caller holds an update
    private int _started;       // 1 once the first token was handed back: the stall clock runs

    public StreamDeadline(TimeProvider clock, TimeSpan firstTokenTimeout, TimeSpan stallTimeout)
    {
        _clock = clock;
        _stall = stallTimeout;
        _timer = clock.CreateTimer(static state => ((StreamDeadline)state!).OnDue(), this, firstTokenTimeout, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Cancelled when a deadline was missed.</summary>
    public CancellationToken Token => _expired.Token;

    public bool Expired => _expired.IsCancellationRequested;

    /// <summary>The caller holds an update (from the first token on): the clocks stop.</summary>
    public void Hold() => Volatile.Write(ref _holding, 1);

    /// <summary>The caller handed the update back: upstream has the stall timeout from now.</summary>
    public void Release()
    {
        Volatile.Write(ref _lastRelease, _clock.GetTimestamp());
        Volatile.Write(ref _holding, 0);
        if (Volatile.Read(ref _started) == 0)
        {
            Volatile.Write(ref _started, 1);
            Arm(_stall); // the first-token deadline gives way to the stall clock
        }
    }

    public void Dispose()
    {
        _timer.Dispose();
        _expired.Dispose();
    }

    private void OnDue()
    {
        if (Volatile.Read(ref _holding) == 1)
        {
            Arm(_stall); // the caller is busy with an update: look again later, the clock restarts on release
            return;
        }
        if (Volatile.Read(ref _started) == 0)
        {
            Expire(); // no first token in time
            return;
        }
        var silent = _clock.GetElapsedTime(Volatile.Read(ref _lastRelease));
        if (silent >= _stall) Expire();
        else Arm(_stall - silent);
    }

    private void Arm(TimeSpan due)
    {
        try
        {
            _timer.Change(due, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // The stream ended as the timer came due.
        }
    }

    private void Expire()
    {
        try
        {
            _expired.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The stream ended as the timer came due.
        }
    }
}
