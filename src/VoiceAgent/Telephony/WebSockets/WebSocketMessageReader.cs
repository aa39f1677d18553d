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
/// The buffer starts at <c>initialBytes</c> and doubles when a message needs it: a transport whose messages are small
/// (ConversationRelay's frames are a few hundred bytes) does not hold 16 KiB per call, which the shared pool cannot keep
/// for hundreds of calls at once (every call past its capacity would allocate a new one).
/// </remarks>
internal sealed class WebSocketMessageReader(WebSocket socket, int maxMessageBytes, int initialBytes = 16 * 1024) : IDisposable
{
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(1, Math.Min(maxMessageBytes, initialBytes)));

    /// <summary>The next message; <see cref="WebSocketMessage.Closed"/> when the peer closed.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))] // per inbound frame: its state machine is reused
    public async ValueTask<WebSocketMessage> ReadAsync(CancellationToken cancellationToken)
    {
        var length = 0;
        var tooLarge = false;
        while (true)
        {
            if (length == _buffer.Length && !tooLarge)
            {
                if (_buffer.Length >= maxMessageBytes) { tooLarge = true; length = 0; }
                else Grow();
            }
            var result = await socket.ReceiveAsync(_buffer.AsMemory(length), cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close) return WebSocketMessage.Closed;
            if (tooLarge)
            {
                // Discard: keep reusing the buffer's space until the message ends.
                if (result.EndOfMessage) return new WebSocketMessage(result.MessageType, ReadOnlyMemory<byte>.Empty, TooLarge: true, IsClose: false);
                continue;
            }
            length += result.Count;
            if (result.EndOfMessage) return new WebSocketMessage(result.MessageType, _buffer.AsMemory(0, length), TooLarge: false, IsClose: false);
        }
    }

    private void Grow()
    {
        var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(maxMessageBytes, _buffer.Length * 2));
        _buffer.AsSpan().CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = bigger;
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }
}

/// <summary>One message read off a socket. <see cref="Payload"/> is valid until the next read.</summary>
internal readonly record struct WebSocketMessage(WebSocketMessageType Type, ReadOnlyMemory<byte> Payload, bool TooLarge, bool IsClose)
{
    public static WebSocketMessage Closed => new(WebSocketMessageType.Close, ReadOnlyMemory<byte>.Empty, false, true);
}
