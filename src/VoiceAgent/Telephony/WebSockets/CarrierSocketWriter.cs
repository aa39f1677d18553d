using System.Buffers;
using System.Net.WebSockets;
using System.Threading.Channels;

namespace VoiceAgent.Telephony.WebSockets;

/// <summary>
/// The one writer of a carrier socket. Senders queue frames into a small bounded queue
/// (<see cref="CarrierLimits.OutboundQueueFrames"/>, frames in pooled buffers) and wait when it is full, so a
/// carrier that stops reading pushes back all the way to the model stream instead of growing memory. One task
/// drains the queue into the socket; a write pending longer than <see cref="CarrierLimits.SendStallTimeout"/>
/// (timed on the injected clock) aborts the socket and reports the stall, and the connection handler ends the
/// call the normal way.
/// </summary>
internal sealed class CarrierSocketWriter : IAsyncDisposable
{
    private readonly Channel<OutboundFrame> _queue;
    private readonly WebSocket _socket;
    private readonly CarrierWatch _watch;
    private readonly ITimer _stall;
    private readonly Task _pump;
    private int _droppedBefore;
    private int _generation;

    public CarrierSocketWriter(WebSocket socket, CarrierWatch watch, TimeProvider clock)
    {
        _socket = socket;
        _watch = watch;
        _queue = Channel.CreateBounded<OutboundFrame>(new BoundedChannelOptions(watch.Limits.OutboundQueueFrames)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _stall = clock.CreateTimer(static s => ((CarrierSocketWriter)s!).OnStalled(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _pump = PumpAsync();
    }

    /// <summary>Frames queued and not yet written (for tests and the bench).</summary>
    public int Queued => _queue.Reader.Count;

    /// <summary>
    /// Queues one whole message; waits while the queue is full. <paramref name="droppable"/> audio is skipped if a
    /// <see cref="DropQueuedAudio"/> comes after it. Throws <see cref="IOException"/> once the socket is gone.
    /// </summary>
    public async ValueTask SendAsync(ReadOnlyMemory<byte> payload, WebSocketMessageType type, CancellationToken cancellationToken, bool droppable = false, bool waitUntilWritten = false)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(payload.Length, 1));
        payload.CopyTo(buffer);
        var written = waitUntilWritten ? new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) : null;
        var frame = new OutboundFrame(buffer, payload.Length, type, droppable ? Volatile.Read(ref _generation) : -1, Close: null, written);
        try
        {
            await _queue.Writer.WriteAsync(frame, cancellationToken);
        }
        catch (ChannelClosedException)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw new IOException("The carrier socket is closed.");
        }
        catch (OperationCanceledException)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
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

    private async Task PumpAsync()
    {
        await Task.Yield();
        try
        {
            await foreach (var frame in _queue.Reader.ReadAllAsync())
            {
                try
                {
                    if (_socket.State != WebSocketState.Open) continue;
                    if (frame.Generation >= 0 && frame.Generation < Volatile.Read(ref _droppedBefore)) continue;
                    _stall.Change(_watch.Limits.SendStallTimeout, Timeout.InfiniteTimeSpan);
                    if (frame.Close is { } close) await _socket.CloseOutputAsync(close.Status, close.Reason, CancellationToken.None);
                    else await _socket.SendAsync(frame.Buffer.AsMemory(0, frame.Length), frame.Type, endOfMessage: true, CancellationToken.None);
                    _stall.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                }
                finally
                {
                    if (frame.Buffer.Length > 0) ArrayPool<byte>.Shared.Return(frame.Buffer);
                    frame.Written?.TrySetResult();
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            // The socket is gone (closed, aborted by a stall): nothing more can be written; the reader ends the call.
            _queue.Writer.TryComplete();
        }
        finally
        {
            _stall.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            while (_queue.Reader.TryRead(out var left))
            {
                if (left.Buffer.Length > 0) ArrayPool<byte>.Shared.Return(left.Buffer);
                left.Written?.TrySetException(new IOException("The carrier socket is closed."));
            }
        }
    }

    private void OnStalled()
    {
        _watch.SendStalled();
        _socket.Abort(); // the peer stopped reading: nothing graceful can reach it; this ends the pending write
    }

    /// <summary>Writes what is queued (bounded by the stall limit), then stops.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _pump;
        _stall.Dispose();
    }

    private readonly record struct OutboundFrame(byte[] Buffer, int Length, WebSocketMessageType Type, int Generation, (WebSocketCloseStatus Status, string Reason)? Close, TaskCompletionSource? Written);
}
