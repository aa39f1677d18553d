using Microsoft.Extensions.Logging.Abstractions;
using VoiceAgent.Observability;
using VoiceAgent.Speech.Pipeline;
using VoiceAgent.Tests.Speech.Pipeline.Fakes;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.Speech.Pipeline;

/// <summary>Playout on a fake clock and an in-memory carrier: pacing, marks in order, clear, tones, a carrier that is gone.</summary>
public sealed class PlayoutTests
{
    private readonly ManualTimeProvider _clock = new();
    private readonly RecordingCarrier _carrier = new(AudioFormat.MuLaw8k);
    private readonly List<PlayoutItem> _reported = [];

    private Playout NewPlayout(TimeSpan lead) => new(_carrier, lead, _clock, new VoiceAgentMetrics(new TestMeterFactory()), "test",
        (item, _) => { lock (_reported) _reported.Add(item); return ValueTask.CompletedTask; }, NullLogger.Instance, "CA1");

    private static byte[] Frame(byte tag) => Enumerable.Repeat(tag, 160).ToArray();

    [Fact]
    public async Task Frames_go_out_at_once_up_to_the_playout_lead_then_one_every_20_ms_of_the_clock()
    {
        var playout = NewPlayout(TimeSpan.FromMilliseconds(60));
        for (byte i = 1; i <= 10; i++) playout.EnqueueFrame(Frame(i), replyId: 1);
        var run = playout.RunAsync(CancellationToken.None);

        await _clock.WaitForPendingTimersAsync().DefaultTimeout();
        Assert.Equal(4, _carrier.FramesSent); // 80 ms queued at the carrier: 60 ms ahead of its playhead once the first starts

        _clock.Advance(TimeSpan.FromMilliseconds(20));
        await _carrier.WaitForFramesAsync(5);
        await _clock.WaitForPendingTimersAsync().DefaultTimeout();
        Assert.Equal(5, _carrier.FramesSent);

        playout.Complete();
        _clock.Advance(TimeSpan.FromSeconds(1));
        await run.DefaultTimeout();
        Assert.Equal(10, _carrier.FramesSent);
    }

    [Fact]
    public async Task A_mark_goes_out_after_the_frames_queued_before_it_and_each_frame_is_reported_once_sent()
    {
        var playout = NewPlayout(TimeSpan.FromSeconds(1)); // no waiting: everything fits in the lead
        playout.EnqueueFrame(Frame(1), 1);
        playout.EnqueueFrame(Frame(2), 1);
        playout.EnqueueMark("m1", 1);
        playout.EnqueueFrame(Frame(3), 1);
        playout.Complete();

        await playout.RunAsync(CancellationToken.None).DefaultTimeout();

        Assert.Equal(["frame:1", "frame:2", "mark:m1", "frame:3"], _carrier.Sent);
        Assert.Equal([1, 2, 3], _reported.Select(r => (int)r.Frame![0]));
    }

    [Fact]
    public async Task Clear_drops_queued_frames_and_marks_but_not_keypad_tones()
    {
        var playout = NewPlayout(TimeSpan.Zero);
        playout.EnqueueFrame(Frame(1), 1);
        playout.EnqueueFrame(Frame(2), 1);
        playout.EnqueueTone(Frame(9));
        playout.EnqueueMark("m1", 1);
        var run = playout.RunAsync(CancellationToken.None);
        await _clock.WaitForPendingTimersAsync().DefaultTimeout(); // frame 1 out, frame 2 waiting for its time

        playout.Clear();
        playout.Complete();
        _clock.Advance(TimeSpan.FromMilliseconds(40));
        await run.DefaultTimeout();

        Assert.Equal(["frame:1", "frame:9"], _carrier.Sent);
        Assert.True(_reported[^1].IsTone);
    }

    [Fact]
    public async Task Items_queued_after_a_clear_play()
    {
        var playout = NewPlayout(TimeSpan.FromSeconds(1));
        playout.EnqueueFrame(Frame(1), 1);
        playout.Clear();
        playout.EnqueueFrame(Frame(2), 2);
        playout.EnqueueMark("m2", 2);
        playout.Complete();

        await playout.RunAsync(CancellationToken.None).DefaultTimeout();

        Assert.Equal(["frame:2", "mark:m2"], _carrier.Sent);
    }

    [Fact]
    public async Task A_carrier_socket_that_is_gone_ends_playout_without_an_error()
    {
        var playout = NewPlayout(TimeSpan.FromSeconds(1));
        _carrier.FailSends = new IOException("socket closed");
        playout.EnqueueFrame(Frame(1), 1);
        playout.EnqueueFrame(Frame(2), 1);

        await playout.RunAsync(CancellationToken.None).DefaultTimeout(); // ends although the queue was never completed

        Assert.Empty(_reported);
    }
}
