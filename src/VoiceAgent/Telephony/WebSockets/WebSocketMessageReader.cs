using System.Buffers;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;

namespace VoiceAgent.Telephony.WebSockets;

/// <summary>
/// Reads whole WebSocket messages into one pooled buffer, up to a size limit. An oversized message is read to
/// its end and reported as <see cref="WebSocketMessage.TooLarge"/> without being kept, so a hostile or broken
/// peer costs bounded memory and the connection stays usable.
/// </summary>
/// <remarks>
/// The buffer is rented only while a message is read and used: each read first waits for the next frame with a
/// zero-byte receive holding no buffer, rents one (starting at <c>initialBytes</c>, doubling when a message needs it)
/// once data arrived, and the next read returns it before waiting again. A call idle between turns (ConversationRelay's
/// callers are idle most of the time) holds no receive buffer, and the pool serves the next message from the arrays
/// idle calls gave back instead of one owned by each of hundreds of calls (past the pool's capacity, each call's set-up
/// would allocate a new one).
/// </remarks>
internal sealed class WebSocketMessageReader(WebSocket socket, int maxMessageBytes, int initialBytes = 16 * 1024, ArrayPool<byte>? pool = null) : IDisposable
{
    private readonly ArrayPool<byte> _pool = pool ?? ArrayPool<byte>.Shared;
    private readonly int _initialBytes = Math.Max(1, Math.Min(maxMessageBytes, initialBytes));
    private byte[]? _buffer;
    private volatile bool _reading;

    /// <summary>Whether a buffer is rented now (from the arrival of a message to the next read).</summary>
    internal bool HoldsBuffer => _buffer is not null;

    /// <summary>
    /// The next message; <see cref="WebSocketMessage.Closed"/> when the peer closed. The previous message's
    /// <see cref="WebSocketMessage.Payload"/> is no longer valid once this is called.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))] // per inbound frame: its state machine is reused
    public async ValueTask<WebSocketMessage> ReadAsync(CancellationToken cancellationToken)
    {
        Release();
        _reading = true;
        try
        {
            // Idle: wait for the next frame holding no buffer. It completes once a frame's header arrived, reading no
            // payload; a message with no payload at all has ended here already.
            var waited = await socket.ReceiveAsync(Memory<byte>.Empty, cancellationToken);
            if (waited.MessageType == WebSocketMessageType.Close) return WebSocketMessage.Closed;
            if (waited.EndOfMessage) return new WebSocketMessage(waited.MessageType, ReadOnlyMemory<byte>.Empty, TooLarge: false, IsClose: false);

            var buffer = _buffer = _pool.Rent(_initialBytes);
            var length = 0;
            var tooLarge = false;
            while (true)
            {
                if (length == buffer.Length && !tooLarge)
                {
                    if (buffer.Length >= maxMessageBytes) { tooLarge = true; length = 0; }
                    else buffer = Grow(buffer, length);
                }
                var result = await socket.ReceiveAsync(buffer.AsMemory(length), cancellationToken);
                if (result.MessageType == WebSocketMessageType.Close) return WebSocketMessage.Closed;
                if (tooLarge)
                {
                    // Discard: keep reusing the buffer's space until the message ends.
                    if (result.EndOfMessage) return new WebSocketMessage(result.MessageType, ReadOnlyMemory<byte>.Empty, TooLarge: true, IsClose: false);
                    continue;
                }
                length += result.Count;
                if (result.EndOfMessage) return new WebSocketMessage(result.MessageType, buffer.AsMemory(0, length), TooLarge: false, IsClose: false);
            }
        }
        finally
        {
            _reading = false;
        }
    }

    private byte[] Grow(byte[] smaller, int length)
    {
        var bigger = _pool.Rent(Math.Min(maxMessageBytes, smaller.Length * 2));
        smaller.AsSpan(0, length).CopyTo(bigger);
        _buffer = bigger;
        _pool.Return(smaller);
        return bigger;
    }

    private void Release()
    {
        if (_buffer is not { } buffer) return;
        _buffer = null;
        _pool.Return(buffer);
    }

    /// <summary>Returns the buffer, if one is rented; one a read still pending may fill yet is left to the GC instead.</summary>
    public void Dispose()
    {
        if (_reading) _buffer = null;
        else Release();
    }
}

/// <summary>One message read off a socket. <see cref="Payload"/> is valid until the next read.</summary>
internal readonly record struct WebSocketMessage(WebSocketMessageType Type, ReadOnlyMemory<byte> Payload, bool TooLarge, bool IsClose)
{
    public static WebSocketMessage Closed => new(WebSocketMessageType.Close, ReadOnlyMemory<byte>.Empty, false, true);
}
