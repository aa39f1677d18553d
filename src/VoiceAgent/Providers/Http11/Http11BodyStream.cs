using System.Runtime.CompilerServices;
using System.Threading.Tasks.Sources;

namespace VoiceAgent.Providers.Http11;

/// <summary>
/// A response body read straight off its connection: each read decodes what the connection already received
/// (chunked framing by <see cref="ChunkedBodyDecoder"/>, or a length, or up to the close) into the caller's buffer, and
/// only when nothing is left waits for the socket. The wait is this stream's own reusable
/// <see cref="IValueTaskSource{TResult}"/>, so a streamed reply costs no allocation per read (SocketsHttpHandler's
/// chunked stream boxed two state machines per token). A body read to its end gives the connection back to its pool
/// (keep-alive) or closes it; a body left unfinished (disposed early, cancelled, failed) closes it, which is how
/// HTTP/1.1 stops a response (barge-in), and the pool opens a spare in the background for the next request.
/// </summary>
internal sealed class Http11BodyStream : Stream, IValueTaskSource<int>
{
    private readonly Http11ConnectionPool _pool;
    private readonly Http11BodyFraming _framing;
    private readonly bool _keepAlive;
    private readonly ChunkedBodyDecoder? _chunked;
    private readonly Action _onReceived;
    private Http11Connection? _connection; // null once the body is complete, or the connection closed
    private long _remaining;
    private bool _completed;
    private bool _disposed;
    private ManualResetValueTaskSourceCore<int> _core;
    private ConfiguredValueTaskAwaitable<int>.ConfiguredValueTaskAwaiter _pending;
    private Memory<byte> _destination;
    private CancellationToken _token;

    public Http11BodyStream(Http11ConnectionPool pool, Http11Connection connection, Http11BodyFraming framing, long contentLength, bool keepAlive)
    {
        _pool = pool;
        _connection = connection;
        _framing = framing;
        _remaining = contentLength;
        _keepAlive = keepAlive;
        _chunked = framing == Http11BodyFraming.Chunked ? new ChunkedBodyDecoder() : null;
        _onReceived = OnReceived;
        if (framing == Http11BodyFraming.None) Complete();
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_completed || buffer.IsEmpty) return new ValueTask<int>(0);
        if (cancellationToken.IsCancellationRequested)
        {
            Abort(replace: true);
            return ValueTask.FromCanceled<int>(cancellationToken);
        }
        try
        {
            while (true)
            {
                if (TryDecode(buffer.Span, out var decoded)) return new ValueTask<int>(decoded);
                var read = Receive(cancellationToken);
                if (!read.IsCompleted)
                {
                    _destination = buffer;
                    _token = cancellationToken;
                    _core.Reset();
                    _pending = read.ConfigureAwait(false).GetAwaiter();
                    _pending.UnsafeOnCompleted(_onReceived);
                    return new ValueTask<int>(this, _core.Version);
                }
                Received(read.GetAwaiter().GetResult());
            }
        }
        catch (Exception ex)
        {
            Abort(replace: cancellationToken.IsCancellationRequested);
            return ValueTask.FromException<int>(ex);
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_completed || buffer.IsEmpty) return 0;
        try
        {
            while (true)
            {
                if (TryDecode(buffer, out var decoded)) return decoded;
                var connection = _connection ?? throw new HttpIOException(HttpRequestError.ResponseEnded, "The response's connection was closed.");
                Received(connection.Stream.Read(ReceiveSpace(connection).Span));
            }
        }
        catch
        {
            Abort(replace: false);
            throw;
        }
    }

    int IValueTaskSource<int>.GetResult(short token) => _core.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<int>.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource<int>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
        => _core.OnCompleted(continuation, state, token, flags);

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (!_disposed)
        {
            _disposed = true;
            // An unfinished body: close the connection (the server would go on sending); the pool opens a spare.
            if (!_completed) Abort(replace: true);
        }
        base.Dispose(disposing);
    }

    private void OnReceived()
    {
        var token = _token;
        try
        {
            Received(_pending.GetResult());
            while (true)
            {
                if (TryDecode(_destination.Span, out var decoded))
                {
                    _destination = default;
                    _token = default;
                    _core.SetResult(decoded);
                    return;
                }
                var read = Receive(token);
                if (!read.IsCompleted)
                {
                    _pending = read.ConfigureAwait(false).GetAwaiter();
                    _pending.UnsafeOnCompleted(_onReceived);
                    return;
                }
                Received(read.GetAwaiter().GetResult());
            }
        }
        catch (Exception ex)
        {
            _destination = default;
            _token = default;
            Abort(replace: token.IsCancellationRequested);
            _core.SetException(ex);
        }
    }

    private ValueTask<int> Receive(CancellationToken cancellationToken)
    {
        var connection = _connection ?? throw new HttpIOException(HttpRequestError.ResponseEnded, "The response's connection was closed.");
        return connection.Stream.ReadAsync(ReceiveSpace(connection), cancellationToken);
    }

    private static Memory<byte> ReceiveSpace(Http11Connection connection)
    {
        var space = connection.ReceiveSpace(connection.ReceiveBuffer.Length);
        if (space.IsEmpty) throw new HttpIOException(HttpRequestError.InvalidResponse, "The response's framing does not fit the receive buffer.");
        return space;
    }

    /// <summary>Takes a socket read's count; 0 is the server closing the connection.</summary>
    private void Received(int read)
    {
        if (read > 0)
        {
            _connection!.ReceivedEnd += read;
            return;
        }
        if (_framing != Http11BodyFraming.UntilClose)
            throw new HttpIOException(HttpRequestError.ResponseEnded, "The response ended prematurely: the server closed the connection before the body was complete.");
        Complete();
    }

    /// <summary>Body bytes from what was received; false when the socket must be read first.</summary>
    private bool TryDecode(Span<byte> destination, out int decoded)
    {
        decoded = 0;
        if (_completed) return true;
        var connection = _connection ?? throw new HttpIOException(HttpRequestError.ResponseEnded, "The response's connection was closed.");
        var received = connection.Received;
        switch (_framing)
        {
            case Http11BodyFraming.Chunked:
                _chunked!.Decode(received, destination, out var consumed, out decoded);
                connection.ReceivedStart += consumed;
                if (_chunked.Completed) Complete();
                return decoded > 0 || _completed;
            case Http11BodyFraming.ContentLength:
                decoded = (int)Math.Min(_remaining, Math.Min(received.Length, destination.Length));
                received[..decoded].CopyTo(destination);
                connection.ReceivedStart += decoded;
                _remaining -= decoded;
                if (_remaining == 0) Complete();
                return decoded > 0 || _completed;
            default:
                decoded = Math.Min(received.Length, destination.Length);
                received[..decoded].CopyTo(destination);
                connection.ReceivedStart += decoded;
                return decoded > 0;
        }
    }

    /// <summary>The body is complete: the connection goes back to the pool when it can carry another request.</summary>
    private void Complete()
    {
        _completed = true;
        var connection = Interlocked.Exchange(ref _connection, null);
        if (connection is null) return;
        if (_keepAlive && _framing != Http11BodyFraming.UntilClose && connection.Received.IsEmpty) _pool.Return(connection);
        else _pool.Abort(connection, replace: false);
    }

    private void Abort(bool replace)
    {
        if (Interlocked.Exchange(ref _connection, null) is { } connection) _pool.Abort(connection, replace);
    }
}
