using VoiceAgent.Timing;

namespace VoiceAgent.Telephony.WebSockets;

/// <summary>
/// The timers of one carrier socket, all on the injected <see cref="TimeProvider"/>: start, idle, maximum length
/// and send stall. The connection handler races <see cref="Expired"/> against its next read and ends the call the
/// normal way when a limit is reached; nothing here touches the socket.
/// </summary>
internal sealed class CarrierWatch : IDisposable
{
    private TaskCompletionSource<CarrierDeadline> _expired = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CarrierLimits _limits;
    private readonly ITimer _start;
    private readonly SlidingDeadline? _idle;
    private ITimer? _maxLength;
    private readonly TimeProvider _clock;

    /// <param name="watchIdle">Media transports: silence on the socket ends the call.</param>
    public CarrierWatch(CarrierLimits limits, TimeProvider clock, bool watchIdle)
    {
        _limits = limits;
        _clock = clock;
        _start = clock.CreateTimer(static s => ((CarrierWatch)s!).Expire(CarrierDeadline.NeverStarted), this, limits.StartTimeout, Timeout.InfiniteTimeSpan);
        if (watchIdle)
            _idle = new SlidingDeadline(clock, limits.IdleTimeout, () => Expire(CarrierDeadline.Idle));
    }

    /// <summary>Completes with the first limit reached; never completes while the call behaves.</summary>
    public Task<CarrierDeadline> Expired => Volatile.Read(ref _expired).Task;

    public CarrierLimits Limits => _limits;

    /// <summary>The opening message arrived: the start limit is off, the call's length and idle limits run.</summary>
    public void Started()
    {
        _start.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _maxLength ??= _clock.CreateTimer(static s => ((CarrierWatch)s!).Expire(CarrierDeadline.MaxCallLength), this, _limits.MaxCallLength, Timeout.InfiniteTimeSpan);
        Received();
    }

    /// <summary>A frame arrived: the idle limit starts again (a clock read per frame, not a timer change).</summary>
    public void Received() => _idle?.Restart();

    /// <summary>The outbound writer saw one write pending past its limit.</summary>
    public void SendStalled() => Expire(CarrierDeadline.SendStalled);

    /// <summary>
    /// After the maximum length was reported and the goodbye queued: watch again, giving the carrier one stall period
    /// to end the call before the maximum length is reported a second (final) time.
    /// </summary>
    public void RearmAfterTimeLimit()
    {
        TimeLimitReported = true;
        Volatile.Write(ref _expired, new TaskCompletionSource<CarrierDeadline>(TaskCreationOptions.RunContinuationsAsynchronously));
        _maxLength?.Change(_limits.SendStallTimeout, Timeout.InfiniteTimeSpan);
    }

    /// <summary>The maximum length was reported once already (the carrier is in its grace period).</summary>
    public bool TimeLimitReported { get; private set; }

    private void Expire(CarrierDeadline deadline) => Volatile.Read(ref _expired).TrySetResult(deadline);

    public void Dispose()
    {
        _start.Dispose();
        _idle?.Dispose();
        _maxLength?.Dispose();
        Volatile.Read(ref _expired).TrySetCanceled();
    }
}
