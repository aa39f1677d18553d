using System.Buffers;
using System.Net.Sockets;

namespace VoiceAgent.Providers.Http11;

/// <summary>
/// One HTTP/1.1 connection of a <see cref="Http11ConnectionPool"/>: the socket, its stream (the socket's own, or an
/// <see cref="System.Net.Security.SslStream"/> over it for https), and two pooled buffers kept for the connection's
/// life: bytes received and not yet used (a response head, body framing, data), and the request being written. One
/// request at a time; a connection is either idle in its pool or owned by one exchange.
/// </summary>
internal sealed class Http11Connection : IDisposable
{
    private const int ReceiveBufferBytes = 16 * 1024;

    private byte[] _receive = ArrayPool<byte>.Shared.Rent(ReceiveBufferBytes);
    private byte[] _send = ArrayPool<byte>.Shared.Rent(8 * 1024);
    private int _disposed;

    public Http11Connection(Socket socket, Stream stream, long createdAt)
    {
        Socket = socket;
        Stream = stream;
        CreatedAt = createdAt;
        IdleSince = createdAt;
    }

    public Socket Socket { get; }

    /// <summary>Where requests are written and responses read (TLS when the origin is https).</summary>
    public Stream Stream { get; }

    /// <summary>When the connection was opened (<see cref="TimeProvider.GetTimestamp"/>).</summary>
    public long CreatedAt { get; }

    /// <summary>When it last went back to its pool.</summary>
    public long IdleSince { get; set; }

    /// <summary>Requests this connection has carried.</summary>
    public int Requests { get; set; }

    /// <summary>The request body of the exchange being written.</summary>
    public RequestBodyBuffer RequestBody { get; } = new();

    /// <summary>Received bytes not yet used lie in <c>[ReceivedStart, ReceivedEnd)</c> of <see cref="ReceiveBuffer"/>.</summary>
    public byte[] ReceiveBuffer => _receive;
    public int ReceivedStart { get; set; }
    public int ReceivedEnd { get; set; }

    public ReadOnlySpan<byte> Received => _receive.AsSpan(ReceivedStart, ReceivedEnd - ReceivedStart);

    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    /// <summary>Moves the unused bytes to the front and returns the free space after them (growing up to <paramref name="limit"/>); empty when the buffer is full at the limit.</summary>
    public Memory<byte> ReceiveSpace(int limit)
    {
        if (ReceivedStart > 0)
        {
            var length = ReceivedEnd - ReceivedStart;
            _receive.AsSpan(ReceivedStart, length).CopyTo(_receive);
            ReceivedStart = 0;
            ReceivedEnd = length;
        }
        if (ReceivedEnd == _receive.Length && _receive.Length < limit)
        {
            var grown = ArrayPool<byte>.Shared.Rent(Math.Min(_receive.Length * 2, limit));
            _receive.AsSpan(0, ReceivedEnd).CopyTo(grown);
            ArrayPool<byte>.Shared.Return(_receive);
            _receive = grown;
        }
        return _receive.AsMemory(ReceivedEnd);
    }

    /// <summary>The request buffer with room for at least <paramref name="size"/> bytes (its content is not kept).</summary>
    public byte[] SendBuffer(int size)
    {
        if (_send.Length < size)
        {
            ArrayPool<byte>.Shared.Return(_send);
            _send = ArrayPool<byte>.Shared.Rent(size);
        }
        return _send;
    }

    /// <summary>
    /// Whether an idle connection can carry another request: the server has sent nothing since (a readable idle socket
    /// means it was closed, or sent bytes no request asked for). Over TLS, records may arrive unasked (session tickets,
    /// key updates) and are read with the next response, so there only the close (readable with nothing to read) counts;
    /// a close_notify that slipped through makes the next response end before its head, which is retried on a new
    /// connection.
    /// </summary>
    public bool IsReusable()
    {
        if (IsDisposed || ReceivedEnd != ReceivedStart) return false;
        try
        {
            if (!Socket.Poll(0, SelectMode.SelectRead)) return true;
            return Stream is System.Net.Security.SslStream && Socket.Available > 0;
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        try
        {
            Stream.Dispose();
        }
        catch (IOException)
        {
            // Closing a TLS stream whose socket already failed.
        }
        Socket.Dispose();
        // The buffers are left to the GC: a read or write cancelled by this close may still be completing into them.
    }

    /// <summary>Closes a connection no exchange owns (idle, expired) and returns its buffers to the pool.</summary>
    public void DisposeIdle()
    {
        if (IsDisposed) return;
        Dispose();
        ArrayPool<byte>.Shared.Return(_receive);
        ArrayPool<byte>.Shared.Return(_send);
        RequestBody.Release();
        _receive = [];
        _send = [];
    }
}
