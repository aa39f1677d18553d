using System.Text;

namespace VoiceAgent.Tests.TestSupport;

/// <summary>
/// The far end of a carrier socket, as the stream a server-side <see cref="System.Net.WebSockets.WebSocket"/> writes to.
/// A reading peer takes every write at once (the write completes synchronously); a stuck one stops reading: writes
/// hang until <see cref="Release"/> (or fail once the stream is disposed by an abort). Reads never return.
/// </summary>
internal sealed class PeerStream : Stream
{
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _writeStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly MemoryStream _written = new();
    private readonly object _gate = new();

    private PeerStream(bool reading)
    {
        if (reading) _released.TrySetResult();
    }

    /// <summary>A peer that reads everything at once.</summary>
    public static PeerStream Reading() => new(reading: true);

    /// <summary>A peer that has stopped reading until <see cref="Release"/>.</summary>
    public static PeerStream Stuck() => new(reading: false);

    /// <summary>Completes when the first write reaches the peer (taken or hanging).</summary>
    public Task WriteStarted => _writeStarted.Task;

    /// <summary>Everything the peer has taken, as UTF-8 text (frame headers included).</summary>
    public string Written { get { lock (_gate) return Encoding.UTF8.GetString(_written.ToArray()); } }

    /// <summary>A stuck peer starts reading again: hanging writes complete, later ones are taken at once.</summary>
    public void Release() => _released.TrySetResult();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        _writeStarted.TrySetResult();
        if (!_released.Task.IsCompletedSuccessfully) return WriteWhenReleasedAsync(buffer, cancellationToken);
        Take(buffer.Span);
        return ValueTask.CompletedTask;
    }

    private async ValueTask WriteWhenReleasedAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        await _released.Task.WaitAsync(cancellationToken);
        Take(buffer.Span);
    }

    private void Take(ReadOnlySpan<byte> bytes)
    {
        lock (_gate) _written.Write(bytes);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await Task.Delay(Timeout.Infinite, cancellationToken);
        return 0;
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    protected override void Dispose(bool disposing)
    {
        _released.TrySetException(new ObjectDisposedException(nameof(PeerStream)));
        base.Dispose(disposing);
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
