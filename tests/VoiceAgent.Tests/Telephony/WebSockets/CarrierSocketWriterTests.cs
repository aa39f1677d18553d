using System.Net.WebSockets;
using VoiceAgent.Telephony.WebSockets;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.Telephony.WebSockets;

/// <summary>The one writer of a carrier socket: a bounded queue, backpressure, the send-stall limit, dropping audio on clear.</summary>
public sealed class CarrierSocketWriterTests
{
    private static readonly CarrierLimits Limits = new() { OutboundQueueFrames = 4, SendStallTimeout = TimeSpan.FromSeconds(10) };

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_carrier_that_stops_reading_makes_the_sender_wait_once_the_queue_is_full(bool inlineWrites)
    {
        using var rig = CarrierWriterRig.Create(PeerStream.Stuck(), Limits, inlineWrites);

        await rig.SendAsync("in flight").DefaultTimeout();
        await rig.Peer.WriteStarted.DefaultTimeout();
        for (var i = 0; i < Limits.OutboundQueueFrames; i++)
            await rig.SendAsync($"queued {i}").DefaultTimeout();

        var overBudget = rig.SendAsync("one too many").AsTask();
        Assert.False(overBudget.IsCompleted);
        Assert.Equal(Limits.OutboundQueueFrames, rig.Writer.Queued);

        rig.Peer.Release();
        await overBudget.DefaultTimeout();
        await rig.Writer.DisposeAsync().DefaultTimeout();
        Assert.Contains("one too many", rig.Peer.Written, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_write_pending_past_the_stall_limit_aborts_the_socket_and_reports_the_stall(bool inlineWrites)
    {
        using var rig = CarrierWriterRig.Create(PeerStream.Stuck(), Limits, inlineWrites, started: true);
        await rig.SendAsync("stuck").DefaultTimeout();
        await rig.Peer.WriteStarted.DefaultTimeout();

        rig.Clock.Advance(TimeSpan.FromSeconds(9.9));
        Assert.False(rig.Watch.Expired.IsCompleted);
        rig.Clock.Advance(TimeSpan.FromSeconds(0.1));

        Assert.Equal(CarrierDeadline.SendStalled, await rig.Watch.Expired.DefaultTimeout());
        Assert.Equal(WebSocketState.Aborted, rig.Socket.State);
        await rig.Writer.DisposeAsync().DefaultTimeout();
        await Assert.ThrowsAsync<IOException>(() => rig.SendAsync("after").AsTask()).DefaultTimeout();
    }

    [Fact]
    public async Task A_clear_drops_audio_still_queued_but_keeps_what_comes_after()
    {
        using var rig = CarrierWriterRig.Create(PeerStream.Stuck(), Limits);
        await rig.SendAsync("audio-playing", droppable: true).DefaultTimeout();
        await rig.Peer.WriteStarted.DefaultTimeout();
        await rig.SendAsync("audio-unplayed", droppable: true).DefaultTimeout();
        await rig.SendAsync("mark-kept").DefaultTimeout();

        rig.Writer.DropQueuedAudio();
        await rig.SendAsync("clear").DefaultTimeout();
        await rig.SendAsync("audio-next-reply", droppable: true).DefaultTimeout();
        rig.Peer.Release();
        await rig.Writer.DisposeAsync().DefaultTimeout();

        var written = rig.Peer.Written;
        Assert.DoesNotContain("audio-unplayed", written, StringComparison.Ordinal);
        Assert.Contains("mark-kept", written, StringComparison.Ordinal);
        Assert.True(written.IndexOf("clear", StringComparison.Ordinal) < written.IndexOf("audio-next-reply", StringComparison.Ordinal));
    }

    [Fact]
    public async Task With_inline_writes_a_frame_sent_to_an_idle_socket_is_written_when_the_send_returns_and_frames_keep_their_order()
    {
        using var rig = CarrierWriterRig.Create(PeerStream.Reading(), Limits, inlineWrites: true);

        for (var i = 0; i < 50; i++)
        {
            await rig.SendAsync($"token {i};").DefaultTimeout();
            // Written by this sender on its way through the queue, not later by the pump on another thread.
            Assert.Contains($"token {i};", rig.Peer.Written, StringComparison.Ordinal);
        }
        await rig.Writer.DisposeAsync().DefaultTimeout();

        var written = rig.Peer.Written;
        for (var i = 1; i < 50; i++)
            Assert.True(written.IndexOf($"token {i - 1};", StringComparison.Ordinal) < written.IndexOf($"token {i};", StringComparison.Ordinal));
        Assert.Equal(0, rig.Writer.QueuedBytes);
    }
}
