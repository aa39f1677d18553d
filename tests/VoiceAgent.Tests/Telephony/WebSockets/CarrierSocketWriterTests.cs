using System.Net.WebSockets;
using System.Text;
using VoiceAgent.Telephony.WebSockets;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.Telephony.WebSockets;

/// <summary>The one writer of a carrier socket: a bounded queue, backpressure, the send-stall limit, dropping audio on clear.</summary>
public sealed class CarrierSocketWriterTests
{
    private static readonly CarrierLimits Limits = new() { OutboundQueueFrames = 4, SendStallTimeout = TimeSpan.FromSeconds(10) };

    private static ReadOnlyMemory<byte> Text(string s) => Encoding.UTF8.GetBytes(s);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_carrier_that_stops_reading_makes_the_sender_wait_once_the_queue_is_full(bool inlineWrites)
    {
        var clock = new ManualTimeProvider();
        var peer = new StuckPeerStream();
        using var socket = WebSocket.CreateFromStream(peer, new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = Timeout.InfiniteTimeSpan });
        using var watch = new CarrierWatch(Limits, clock, watchIdle: false);
        var writer = new CarrierSocketWriter(socket, watch, clock, inlineWrites: inlineWrites);

        await writer.SendAsync(Text("in flight"), WebSocketMessageType.Text, CancellationToken.None).DefaultTimeout();
        await peer.WriteStarted.DefaultTimeout();
        for (var i = 0; i < Limits.OutboundQueueFrames; i++)
            await writer.SendAsync(Text($"queued {i}"), WebSocketMessageType.Text, CancellationToken.None).DefaultTimeout();

        var overBudget = writer.SendAsync(Text("one too many"), WebSocketMessageType.Text, CancellationToken.None).AsTask();
        Assert.False(overBudget.IsCompleted);
        Assert.Equal(Limits.OutboundQueueFrames, writer.Queued);

        peer.Release();
        await overBudget.DefaultTimeout();
        await writer.DisposeAsync().DefaultTimeout();
        Assert.Contains("one too many", peer.Written, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_write_pending_past_the_stall_limit_aborts_the_socket_and_reports_the_stall(bool inlineWrites)
    {
        var clock = new ManualTimeProvider();
        var peer = new StuckPeerStream();
        using var socket = WebSocket.CreateFromStream(peer, new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = Timeout.InfiniteTimeSpan });
        using var watch = new CarrierWatch(Limits, clock, watchIdle: false);
        watch.Started();
        var writer = new CarrierSocketWriter(socket, watch, clock, inlineWrites: inlineWrites);
        await writer.SendAsync(Text("stuck"), WebSocketMessageType.Text, CancellationToken.None).DefaultTimeout();
        await peer.WriteStarted.DefaultTimeout();

        clock.Advance(TimeSpan.FromSeconds(9.9));
        Assert.False(watch.Expired.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(0.1));

        Assert.Equal(CarrierDeadline.SendStalled, await watch.Expired.DefaultTimeout());
        Assert.Equal(WebSocketState.Aborted, socket.State);
        await writer.DisposeAsync().DefaultTimeout();
        await Assert.ThrowsAsync<IOException>(() => writer.SendAsync(Text("after"), WebSocketMessageType.Text, CancellationToken.None).AsTask()).DefaultTimeout();
    }

    [Fact]
    public async Task A_clear_drops_audio_still_queued_but_keeps_what_comes_after()
    {
        var clock = new ManualTimeProvider();
        var peer = new StuckPeerStream();
        using var socket = WebSocket.CreateFromStream(peer, new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = Timeout.InfiniteTimeSpan });
        using var watch = new CarrierWatch(Limits, clock, watchIdle: false);
        var writer = new CarrierSocketWriter(socket, watch, clock);
        await writer.SendAsync(Text("audio-playing"), WebSocketMessageType.Text, CancellationToken.None, droppable: true).DefaultTimeout();
        await peer.WriteStarted.DefaultTimeout();
        await writer.SendAsync(Text("audio-unplayed"), WebSocketMessageType.Text, CancellationToken.None, droppable: true).DefaultTimeout();
        await writer.SendAsync(Text("mark-kept"), WebSocketMessageType.Text, CancellationToken.None).DefaultTimeout();

        writer.DropQueuedAudio();
        await writer.SendAsync(Text("clear"), WebSocketMessageType.Text, CancellationToken.None).DefaultTimeout();
        await writer.SendAsync(Text("audio-next-reply"), WebSocketMessageType.Text, CancellationToken.None, droppable: true).DefaultTimeout();
        peer.Release();
        await writer.DisposeAsync().DefaultTimeout();

        var written = peer.Written;
        Assert.DoesNotContain("audio-unplayed", written, StringComparison.Ordinal);
        Assert.Contains("mark-kept", written, StringComparison.Ordinal);
        Assert.True(written.IndexOf("clear", StringComparison.Ordinal) < written.IndexOf("audio-next-reply", StringComparison.Ordinal));
    }

    [Fact]
    public async Task With_inline_writes_a_frame_sent_to_an_idle_socket_is_written_when_the_send_returns_and_frames_keep_their_order()
    {
        var clock = new ManualTimeProvider();
        var peer = new RecordingPeerStream();
        using var socket = WebSocket.CreateFromStream(peer, new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = Timeout.InfiniteTimeSpan });
        using var watch = new CarrierWatch(Limits, clock, watchIdle: false);
        var writer = new CarrierSocketWriter(socket, watch, clock, inlineWrites: true);

        for (var i = 0; i < 50; i++)
        {
            await writer.SendAsync(Text($"token {i};"), WebSocketMessageType.Text, CancellationToken.None).DefaultTimeout();
            // Written by this sender on its way through the queue, not later by the pump on another thread.
            Assert.Contains($"token {i};", peer.Written, StringComparison.Ordinal);
        }
        await writer.DisposeAsync().DefaultTimeout();

        var written = peer.Written;
        for (var i = 1; i < 50; i++)
            Assert.True(written.IndexOf($"token {i - 1};", StringComparison.Ordinal) < written.IndexOf($"token {i};", StringComparison.Ordinal));
        Assert.Equal(0, writer.QueuedBytes);
    }

    /// <summary>A peer that reads everything at once: every write completes synchronously.</summary>
    private sealed class RecordingPeerStream : Stream
    {
        private readonly MemoryStream _written = new();
        private readonly object _gate = new();

        public string Written { get { lock (_gate) return Encoding.UTF8.GetString(_written.ToArray()); } }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            lock (_gate) _written.Write(buffer.Span);
            return ValueTask.CompletedTask;
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
            => WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return 0;
        }

        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;
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

    /// <summary>A peer that stops reading: writes hang until released (or the stream is disposed by an abort).</summary>
    private sealed class StuckPeerStream : Stream
    {
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _writeStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly MemoryStream _written = new();
        private readonly object _gate = new();

        public Task WriteStarted => _writeStarted.Task;

        public string Written { get { lock (_gate) return Encoding.UTF8.GetString(_written.ToArray()); } }

        public void Release() => _released.TrySetResult();

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            _writeStarted.TrySetResult();
            await _released.Task.WaitAsync(cancellationToken);
            lock (_gate) _written.Write(buffer.Span);
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
            _released.TrySetException(new ObjectDisposedException(nameof(StuckPeerStream)));
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
}
