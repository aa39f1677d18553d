namespace VoiceAgent.Emulators.ChatScript;

/// <summary>
/// Thread-safe record of the requests an emulated model endpoint accepted and how each ended. Tests await
/// <see cref="WhenReceived"/>, <see cref="WhenEnded"/> or <see cref="WhenAborted"/> instead of polling.
/// </summary>
public sealed class ChatRequestLog
{
    private readonly Lock _gate = new();
    private readonly List<RecordedChatRequest> _requests = [];
    private readonly List<Slot> _slots = [];
    private int _aborted;
    private int _rejected;

    /// <summary>Snapshot of the accepted requests in arrival order.</summary>
    public IReadOnlyList<RecordedChatRequest> Received
    {
        get { lock (_gate) return [.. _requests]; }
    }

    /// <summary>Number of accepted requests.</summary>
    public int Count
    {
        get { lock (_gate) return _requests.Count; }
    }

    /// <summary>Number of requests the client abandoned before the response was complete.</summary>
    public int AbortedCount => Volatile.Read(ref _aborted);

    /// <summary>Number of requests refused for bad credentials or an unparseable body.</summary>
    public int RejectedCount => Volatile.Read(ref _rejected);

    /// <summary>Completes with request <paramref name="index"/> (0-based) once it has arrived.</summary>
    public Task<RecordedChatRequest> WhenReceived(int index, CancellationToken cancellationToken = default)
        => SlotAt(index).Received.Task.WaitAsync(cancellationToken);

    /// <summary>Completes with how request <paramref name="index"/> (0-based) ended.</summary>
    public Task<ChatRequestOutcome> WhenEnded(int index, CancellationToken cancellationToken = default)
        => SlotAt(index).Ended.Task.WaitAsync(cancellationToken);

    /// <summary>
    /// Completes when the client aborted request <paramref name="index"/> (0-based) mid-response; fails with
    /// <see cref="InvalidOperationException"/> if that request ended any other way.
    /// </summary>
    public async Task WhenAborted(int index, CancellationToken cancellationToken = default)
    {
        var outcome = await WhenEnded(index, cancellationToken).ConfigureAwait(false);
        if (outcome != ChatRequestOutcome.ClientAborted)
            throw new InvalidOperationException($"Request {index} ended as {outcome}, not {ChatRequestOutcome.ClientAborted}.");
    }

    internal RecordedChatRequest Add(RecordedChatRequest request)
    {
        Slot slot;
        lock (_gate)
        {
            request = request with { Index = _requests.Count };
            _requests.Add(request);
            slot = SlotAtLocked(request.Index);
        }
        slot.Received.TrySetResult(request);
        return request;
    }

    internal void End(int index, ChatRequestOutcome outcome)
    {
        if (outcome == ChatRequestOutcome.ClientAborted) Interlocked.Increment(ref _aborted);
        SlotAt(index).Ended.TrySetResult(outcome);
    }

    internal void Reject() => Interlocked.Increment(ref _rejected);

    private Slot SlotAt(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        lock (_gate) return SlotAtLocked(index);
    }

    private Slot SlotAtLocked(int index)
    {
        while (_slots.Count <= index) _slots.Add(new Slot());
        return _slots[index];
    }

    private sealed class Slot
    {
        public TaskCompletionSource<RecordedChatRequest> Received { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource<ChatRequestOutcome> Ended { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
