using System.Buffers;
using System.Net.WebSockets;
using System.Threading.Channels;
using System.Runtime.CompilerServices;
using VoiceAgent.Timing;

namespace VoiceAgent.Telephony.WebSockets;

/// <summary>
/// The one writer of a carrier socket. Senders queue whole frames (in pooled buffers) within a per-call output budget
/// (<see cref="CarrierLimits.OutputBudgetBytes"/>, and at most <see cref="CarrierLimits.OutboundQueueFrames"/> frames)
/// and wait while it is full, so a carrier that stops reading pushes back all the way to the model or TTS stream
/// instead of growing memory. One task drains the queue into the socket. The carrier is declared stalled, on the
/// injected clock, when one write stays pending longer than <see cref="CarrierLimits.SendStallTimeout"/> or a sender
/// waits that long for room in the budget; the socket is then aborted, the stall is reported to the
/// <see cref="CarrierWatch"/>, and the connection handler ends the call the normal way.
/// </summary>
internal sealed class CarrierSocketWriter : IAsyncDisposable
{
    private readonly Channel<OutboundFrame> _queue;
    private readonly WebSocket _socket;
    private readonly CarrierWatch _watch;
    private readonly CarrierOutputMetrics? _metrics;
    private readonly string _transport;
    private readonly long _budget;
    private readonly SlidingDeadline _writeStall;
    private readonly ITimer _budgetStall;
    private readonly Task _pump;
    private readonly bool _inlineWrites;
    private TaskCompletionSource _space = NewSignal();
    private long _queuedBytes;
    private int _waiting;
    private int _closed;
    private int _stalled;
    private int _droppedBefore;
    private int _generation;

    /// <param name="inlineWrites">
    /// A sender that finds the writer idle writes its frame on its own thread (the queue's continuations run
    /// synchronously, so the drain loop continues inline) instead of waking the pump on another pool thread: one thread
    /// hop less per frame. Order, the budget and stall detection are unchanged: the drain loop stays the one writer, and
    /// a write that does not complete at once still continues on its own. For senders that send one frame at a time and
    /// await nothing else while sending: the media transports (a frame every 20 ms per call) and ConversationRelay's
    /// token frames. Off: every write is made by the pump on its own thread (senders never wait for a socket write).
    /// </param>
    public CarrierSocketWriter(WebSocket socket, CarrierWatch watch, TimeProvider clock, CarrierOutputMetrics? metrics = null, string transport = "", bool inlineWrites = false)
    {
        _socket = socket;
        _watch = watch;
        _metrics = metrics;
        _transport = transport;
        _budget = watch.Limits.OutputBudgetBytes;
        _inlineWrites = inlineWrites;
        _queue = Channel.CreateBounded<OutboundFrame>(new BoundedChannelOptions(watch.Limits.OutboundQueueFrames)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
            AllowSynchronousContinuations = inlineWrites,
        });
        _writeStall = new SlidingDeadline(clock, watch.Limits.SendStallTimeout, OnStalled); // restarted per write: no timer change per frame
        _budgetStall = clock.CreateTimer(static s => ((CarrierSocketWriter)s!).OnStalled(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _pump = PumpAsync();
    }

    /// <summary>Frames queued and not yet written (for tests and the bench).</summary>
    public int Queued => _queue.Reader.Count;

    /// <summary>Bytes queued and not yet written (the part of the budget in use).</summary>
    public long QueuedBytes => Volatile.Read(ref _queuedBytes);

    /// <summary>
    /// Queues one whole message; waits while the output budget or the frame queue is full. <paramref name="droppable"/>
    /// audio is skipped if a <see cref="DropQueuedAudio"/> comes after it. Throws <see cref="IOException"/> once the
    /// socket is gone (closed, or aborted by a stall).
    /// </summary>
    public ValueTask SendAsync(ReadOnlyMemory<byte> payload, WebSocketMessageType type, CancellationToken cancellationToken, bool droppable = false, bool waitUntilWritten = false)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(payload.Length, 1));
        payload.CopyTo(buffer);
        return SendRentedAsync(buffer, payload.Length, type, cancellationToken, droppable, waitUntilWritten);
    }

    /// <summary>
    /// As <see cref="SendAsync"/>, for a message already encoded into the first <paramref name="length"/> bytes of
    /// <paramref name="buffer"/>, rented from <see cref="ArrayPool{T}.Shared"/>: the writer owns it from this call on
    /// (returned once written or dropped, also when this throws), so the message is never copied.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))] // per media frame: its state machine is reused, not allocated
    public async ValueTask SendRentedAsync(byte[] buffer, int length, WebSocketMessageType type, CancellationToken cancellationToken, bool droppable = false, bool waitUntilWritten = false)
    {
        long queued;
        try
        {
            queued = await ReserveAsync(length, cancellationToken);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
        _metrics?.RecordQueued(_transport, queued);
        var written = waitUntilWritten ? new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) : null;
        var frame = new OutboundFrame(buffer, length, type, droppable ? Volatile.Read(ref _generation) : -1, Close: null, written);
        try
        {
            await _queue.Writer.WriteAsync(frame, cancellationToken);
        }
        catch (Exception ex) when (ex is ChannelClosedException or OperationCanceledException)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            Release(length);
            if (ex is OperationCanceledException) throw;
            throw new IOException("The carrier socket is closed.");
        }
        // Queued: the pump owns the buffer now. Media waits for the socket so its pacing sees when audio left.
        if (written is not null) await written.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Audio queued so far but not yet written is skipped (barge-in): the caller must not hear it after a clear.</summary>
    public void DropQueuedAudio() => Volatile.Write(ref _droppedBefore, Interlocked.Increment(ref _generation));

    /// <summary>Queues the close of our side after everything queued before it.</summary>
    public async ValueTask CloseOutputAsync(WebSocketCloseStatus status, string reason, CancellationToken cancellationToken)
    {
        try
        {
            await _queue.Writer.WriteAsync(new OutboundFrame([], 0, WebSocketMessageType.Close, -1, (status, reason), Written: null), cancellationToken);
        }
        catch (ChannelClosedException)
        {
            throw new IOException("The carrier socket is closed.");
        }
    }

    /// <summary>
    /// Takes <paramref name="length"/> bytes of the budget, waiting while it is full (a frame larger than the whole
    /// budget goes alone, once nothing else is queued). Returns the bytes queued with this frame.
    /// </summary>
    private async ValueTask<long> ReserveAsync(int length, CancellationToken cancellationToken)
    {
        var waiting = false;
        try
        {
            while (true)
            {
                if (Volatile.Read(ref _closed) != 0) throw new IOException("The carrier socket is closed.");
                var space = Volatile.Read(ref _space);
                var queued = Volatile.Read(ref _queuedBytes);
                if (queued == 0 || queued + length <= _budget)
                {
                    if (Interlocked.CompareExchange(ref _queuedBytes, queued + length, queued) == queued) return queued + length;
                    continue;
                }
                if (!waiting)
                {
                    // The budget is full: from now on the carrier has one stall period to make room.
                    waiting = true;
                    Interlocked.Increment(ref _waiting);
                    _budgetStall.Change(_watch.Limits.SendStallTimeout, Timeout.InfiniteTimeSpan);
                    continue; // look again now that the pump knows someone waits
                }
                await space.Task.WaitAsync(cancellationToken);
            }
        }
        finally
        {
            if (waiting && Interlocked.Decrement(ref _waiting) == 0) _budgetStall.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
    }

    private void Release(int length)
    {
        Interlocked.Add(ref _queuedBytes, -length);
        if (Volatile.Read(ref _waiting) == 0) return;
        Interlocked.Exchange(ref _space, NewSignal()).TrySetResult();
        if (Volatile.Read(ref _closed) != 0) Volatile.Read(ref _space).TrySetResult(); // a late release after the pump ended
    }

    private async Task PumpAsync()
    {
        // Inline writes need the pump waiting on the queue before the first send; it gets there at once (the queue is
        // empty), so it starts on the constructor's thread. Otherwise it starts on its own.
        if (!_inlineWrites) await Task.Yield();
        try
        {
            // ConfigureAwait(false): the drain loop never goes back to a captured context (a test host's synchronization
            // context would otherwise take every inline write off the sender's thread).
            await foreach (var frame in _queue.Reader.ReadAllAsync().ConfigureAwait(false))
            {
                try
                {
                    if (_socket.State != WebSocketState.Open) continue;
                    if (frame.Generation >= 0 && frame.Generation < Volatile.Read(ref _droppedBefore)) continue;
                    _writeStall.Restart();
                    if (frame.Close is { } close) await _socket.CloseOutputAsync(close.Status, close.Reason, CancellationToken.None).ConfigureAwait(false);
                    else await _socket.SendAsync(frame.Buffer.AsMemory(0, frame.Length), frame.Type, endOfMessage: true, CancellationToken.None).ConfigureAwait(false);
                    _writeStall.Stop();
                }
                finally
                {
                    if (frame.Buffer.Length > 0) ArrayPool<byte>.Shared.Return(frame.Buffer);
                    Release(frame.Length);
                    frame.Written?.TrySetResult();
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            // The socket is gone (closed, aborted by a stall): nothing more can be written; the reader ends the call.
        }
        finally
        {
            Volatile.Write(ref _closed, 1);
            _queue.Writer.TryComplete();
            _writeStall.Stop();
            _budgetStall.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            while (_queue.Reader.TryRead(out var left))
            {
                if (left.Buffer.Length > 0) ArrayPool<byte>.Shared.Return(left.Buffer);
                Interlocked.Add(ref _queuedBytes, -left.Length);
                left.Written?.TrySetException(new IOException("The carrier socket is closed."));
            }
            Volatile.Read(ref _space).TrySetResult(); // senders waiting for room see the socket closed
        }
    }

    private void OnStalled()
    {
        if (Interlocked.Exchange(ref _stalled, 1) != 0) return;
        _metrics?.RecordSendStall(_transport);
        _watch.SendStalled();
        _socket.Abort(); // the peer stopped reading: nothing graceful can reach it; this ends the pending write
    }

    /// <summary>Writes what is queued (bounded by the stall limit), then stops.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _pump;
        _writeStall.Dispose();
        _budgetStall.Dispose();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private readonly record struct OutboundFrame(byte[] Buffer, int Length, WebSocketMessageType Type, int Generation, (WebSocketCloseStatus Status, string Reason)? Close, TaskCompletionSource? Written);
}
