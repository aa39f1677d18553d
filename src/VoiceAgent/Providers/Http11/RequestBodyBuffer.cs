using System.Buffers;

namespace VoiceAgent.Providers.Http11;

/// <summary>
/// A connection's buffer for the request body, written through <see cref="AsStream"/> by
/// <see cref="HttpContent.CopyToAsync(Stream, CancellationToken)"/>: the body's length is known before the head is
/// written, and the array (rented once, grown when a body is larger) serves every request of the connection.
/// </summary>
internal sealed class RequestBodyBuffer
{
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(8 * 1024);
    private int _written;

    public RequestBodyBuffer() => AsStream = new WriteStream(this);

    /// <summary>A write-only stream appending to this buffer.</summary>
    public Stream AsStream { get; }

    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _written);

    public void Clear() => _written = 0;

    /// <summary>Returns the array to the pool (no write may follow).</summary>
    public void Release()
    {
        var buffer = _buffer;
        _buffer = [];
        _written = 0;
        if (buffer.Length > 0) ArrayPool<byte>.Shared.Return(buffer);
    }

    private void Append(ReadOnlySpan<byte> bytes)
    {
        ObjectDisposedException.ThrowIf(_buffer.Length == 0, this);
        if (_written + bytes.Length > _buffer.Length)
        {
            var grown = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _written + bytes.Length));
            _buffer.AsSpan(0, _written).CopyTo(grown);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = grown;
        }
        bytes.CopyTo(_buffer.AsSpan(_written));
        _written += bytes.Length;
    }

    private sealed class WriteStream(RequestBodyBuffer owner) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => owner._written;
        public override long Position { get => owner._written; set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => owner.Append(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer) => owner.Append(buffer);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            cancellationToken.ThrowIfCancellationRequested();
            owner.Append(buffer.Span);
            return ValueTask.CompletedTask;
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            owner.Append(buffer.AsSpan(offset, count));
            return Task.CompletedTask;
        }

        public override void Flush() { }
        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
