using System.IO.Pipelines;
using System.Net.WebSockets;

namespace VoiceAgent.Hosting.Warmup;

/// <summary>
/// Two connected WebSockets in process: the server end runs the real RFC 6455 framing code a carrier's socket runs
/// (masking, fragments, close handshake), the caller end stands in for the carrier. Bytes travel over two pipes;
/// nothing touches the network. Used by the start-up warm-up call.
/// </summary>
internal sealed class InMemoryWebSocketPair : IDisposable
{
    private readonly Pipe _toServer = new();
    private readonly Pipe _toCaller = new();

    public InMemoryWebSocketPair(TimeSpan keepAliveInterval)
    {
        Server = WebSocket.CreateFromStream(new DuplexPipeStream(_toServer.Reader, _toCaller.Writer),
            new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = keepAliveInterval });
        Caller = WebSocket.CreateFromStream(new DuplexPipeStream(_toCaller.Reader, _toServer.Writer),
            new WebSocketCreationOptions { IsServer = false, KeepAliveInterval = keepAliveInterval });
    }

    /// <summary>The end the connection handler accepts.</summary>
    public WebSocket Server { get; }

    /// <summary>The carrier's end.</summary>
    public WebSocket Caller { get; }

    public void Dispose()
    {
        Caller.Dispose();
        Server.Dispose();
        _toServer.Writer.Complete();
        _toCaller.Writer.Complete();
    }

    /// <summary>Reads from one pipe, writes (and flushes) to the other.</summary>
    private sealed class DuplexPipeStream(PipeReader input, PipeWriter output) : Stream
    {
        private readonly Stream _input = input.AsStream();
        private readonly Stream _output = output.AsStream();

        public override bool CanRead => true;
        public override bool CanWrite => true;
        public override bool CanSeek => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => _input.ReadAsync(buffer, cancellationToken);
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => _input.ReadAsync(buffer, offset, count, cancellationToken);
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => _output.WriteAsync(buffer, cancellationToken);
        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => _output.WriteAsync(buffer, offset, count, cancellationToken);
        public override Task FlushAsync(CancellationToken cancellationToken) => _output.FlushAsync(cancellationToken);

        // The WebSocket only uses the asynchronous members; the synchronous ones would block a thread.
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                // The peer reads the end of the stream: a socket aborted without a close frame.
                _output.Dispose();
                _input.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
