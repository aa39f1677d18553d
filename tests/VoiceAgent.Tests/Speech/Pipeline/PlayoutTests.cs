using System.Threading.Channels;
using Microsoft.Extensions.Logging.Abstractions;
using VoiceAgent.Observability;
using VoiceAgent.Speech.Pipeline;
using VoiceAgent.Tests.Speech.Pipeline.Fakes;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.Speech.Pipeline;

/// <summary>
/// Playout on a fake clock and an in-memory carrier, paced by the shared scheduler: the burst up to the lead, then one
/// frame per tick; marks in order; clear (and the fresh burst after it); tones; a carrier that is gone.
/// </summary>
public sealed class PlayoutTests : IAsyncLifetime
{
    private static readonly TimeSpan Frame20 = TimeSpan.FromMilliseconds(20);
    private readonly ManualTimeProvider _clock = new();
    private readonly RecordingCarrier _carrier = new(AudioFormat.MuLaw8k);
    private readonly PlayoutScheduler _scheduler;
    private readonly SentFrames _sent;

    public PlayoutTests()
    {
        _scheduler = new PlayoutScheduler(_clock);
        _sent = new SentFrames(_clock);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _scheduler.DisposeAsync();

    private Playout NewPlayout(TimeSpan lead) => NewPlayout(lead, _carrier, _sent);

    private Playout NewPlayout(TimeSpan lead, RecordingCarrier carrier, SentFrames sent)
        => new(carrier, lead, _clock, _scheduler, new VoiceAgentMetrics(new TestMeterFactory()), "test", sent.ReportAsync, NullLogger.Instance, "CA1");

    private static byte[] Frame(byte tag) => Enumerable.Repeat(tag, 160).ToArray();

    private long Start => _sent.Start;

    [Fact]
    public async Task The_first_frames_go_out_at_once_up_to_the_lead_then_one_per_tick_of_the_shared_clock()
    {
        var playout = NewPlayout(TimeSpan.FromMilliseconds(60));
        for (byte i = 1; i <= 7; i++) playout.EnqueueFrame(Frame(i), replyId: 1);
        var run = playout.RunAsync(CancellationToken.None);
        await _clock.WaitForPendingTimersAsync().DefaultTimeout(); // the scheduler's tick

        await _sent.WaitForAsync(4);
        for (var sent = 5; sent <= 7; sent++)
        {
            _clock.Advance(Frame20);
            await _sent.WaitForAsync(sent);
        }
        playout.Complete();
        await run.DefaultTimeout();

        // 80 ms at the carrier at once (60 ms ahead of its playhead once the first frame plays), then one per 20 ms.
        Assert.Equal([0, 0, 0, 0, 20, 40, 60], _sent.Milliseconds());
        Assert.Equal([1, 2, 3, 4, 5, 6, 7], _sent.Tags());
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
        Assert.Equal([1, 2, 3], _sent.Tags());
    }

    [Fact]
    public async Task A_mark_behind_a_paced_frame_waits_for_that_frame()
    {
        var playout = NewPlayout(TimeSpan.Zero);
        playout.EnqueueFrame(Frame(1), 1);
        playout.EnqueueFrame(Frame(2), 1);
        playout.EnqueueMark("m2", 1);
        var run = playout.RunAsync(CancellationToken.None);
        await _clock.WaitForPendingTimersAsync().DefaultTimeout();
        await _sent.WaitForAsync(1);
        Assert.Equal(["frame:1"], _carrier.Sent); // frame 2 is due in 20 ms and the mark is behind it

        _clock.Advance(Frame20);
        await _sent.WaitForAsync(2);
        playout.Complete();
        await run.DefaultTimeout();

        Assert.Equal(["frame:1", "frame:2", "mark:m2"], _carrier.Sent);
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
        await _sent.WaitForAsync(1); // frame 1 out, frame 2 waiting for its time

        playout.Clear();
        playout.Complete();
        _clock.Advance(TimeSpan.FromMilliseconds(40));
        await run.DefaultTimeout();

        Assert.Equal(["frame:1", "frame:9"], _carrier.Sent);
        Assert.True(_sent.Items[^1].IsTone);
    }

    [Fact]
    public async Task After_a_clear_the_next_reply_bursts_up_to_the_lead_again()
    {
        var playout = NewPlayout(TimeSpan.FromMilliseconds(60));
        for (byte i = 1; i <= 10; i++) playout.EnqueueFrame(Frame(i), replyId: 1);
        var run = playout.RunAsync(CancellationToken.None);
        await _sent.WaitForAsync(4); // the carrier holds 80 ms of reply 1

        playout.Clear(); // barge-in: the carrier's buffer is emptied
        for (byte i = 21; i <= 26; i++) playout.EnqueueFrame(Frame(i), replyId: 2);
        await _sent.WaitForAsync(8);
        playout.Complete();
        _clock.Advance(TimeSpan.FromSeconds(1));
        await run.DefaultTimeout();

        Assert.Equal([1, 2, 3, 4, 21, 22, 23, 24, 25, 26], _sent.Tags());
        Assert.Equal([0, 0, 0, 0, 0, 0, 0, 0], _sent.Milliseconds()[..8]); // reply 2's first 80 ms did not wait for reply 1's pacing
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

        Assert.Empty(_sent.Items);
        Assert.Equal(0, _scheduler.Count); // and leaves the scheduler
    }

    [Fact]
    public async Task A_call_that_ends_leaves_the_scheduler_and_its_queued_audio_unplayed()
    {
        using var call = new CancellationTokenSource();
        var playout = NewPlayout(TimeSpan.Zero);
        playout.EnqueueFrame(Frame(1), 1);
        playout.EnqueueFrame(Frame(2), 1);
        var run = playout.RunAsync(call.Token);
        await _sent.WaitForAsync(1);
        Assert.Equal(1, _scheduler.Count);

        await call.CancelAsync();
        await run.DefaultTimeout();
        _clock.Advance(TimeSpan.FromMilliseconds(100));

        Assert.Equal(0, _scheduler.Count);
        Assert.Equal(["frame:1"], _carrier.Sent);
    }

    [Fact]
    public void The_queue_bound_holds_the_lead_plus_a_second_of_audio()
    {
        var playout = NewPlayout(TimeSpan.FromMilliseconds(300));

        Assert.Equal(65, playout.MaxQueuedFrames); // 300 ms of lead + 1 s of headroom, in 20 ms frames
    }

    [Fact]
    public async Task While_the_carrier_is_stuck_a_full_queue_keeps_the_tts_reader_waiting_until_the_carrier_drains()
    {
        var playout = NewPlayout(TimeSpan.FromMilliseconds(300));
        var stuck = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _carrier.HoldSends = stuck;
        for (var i = 0; i <= playout.MaxQueuedFrames; i++) playout.EnqueueFrame(Frame((byte)i), 1);
        using var call = new CancellationTokenSource();
        var run = playout.RunAsync(call.Token);
        await _carrier.WaitForHeldSendsAsync(1); // the first frame is in the carrier's socket, which does not drain

        var room = playout.WaitForRoomAsync(CancellationToken.None).AsTask();
        Assert.Equal(playout.MaxQueuedFrames, playout.QueuedFrames);
        Assert.False(room.IsCompleted); // nothing can leave the queue while the carrier is stuck

        stuck.SetResult(); // the carrier reads again: the burst up to the lead leaves, and with it the room
        await room.DefaultTimeout();
        Assert.InRange(playout.QueuedFrames, 0, playout.MaxQueuedFrames - 1);
        await call.CancelAsync();
        await run.DefaultTimeout();
    }

    [Fact]
    public async Task At_real_time_pace_a_full_queue_makes_room_when_the_next_frame_is_due()
    {
        var playout = NewPlayout(TimeSpan.FromMilliseconds(60));
        for (var i = 0; i < playout.MaxQueuedFrames + 4; i++) playout.EnqueueFrame(Frame((byte)i), 1);
        using var call = new CancellationTokenSource();
        var run = playout.RunAsync(call.Token);
        await _clock.WaitForPendingTimersAsync().DefaultTimeout(); // the scheduler's tick
        await _sent.WaitForAsync(4); // the burst up to the lead; the rest fills the queue to its bound

        var room = playout.WaitForRoomAsync(CancellationToken.None).AsTask();
        Assert.Equal(playout.MaxQueuedFrames, playout.QueuedFrames);
        Assert.False(room.IsCompleted);

        _clock.Advance(Frame20); // one frame is due and goes: one frame of room
        await room.DefaultTimeout();
        Assert.Equal(playout.MaxQueuedFrames - 1, playout.QueuedFrames);
        await call.CancelAsync();
        await run.DefaultTimeout();
        Assert.Equal(0, playout.QueuedFrames); // what will never play is not kept
    }

    [Fact]
    public async Task A_tts_chunk_posted_to_the_pipeline_and_not_yet_queued_leaves_no_room()
    {
        var playout = NewPlayout(TimeSpan.FromMilliseconds(300));
        playout.ChunkPosted();

        var room = playout.WaitForRoomAsync(CancellationToken.None).AsTask();
        Assert.False(room.IsCompleted); // the queue is empty, but the chunk on its way to it is not counted yet

        playout.ChunkHandled();
        await room.DefaultTimeout();
    }

    [Fact]
    public async Task A_cleared_queue_makes_room_at_once()
    {
        var playout = NewPlayout(TimeSpan.Zero);
        for (var i = 0; i < playout.MaxQueuedFrames + 1; i++) playout.EnqueueFrame(Frame((byte)i), 1);
        var run = playout.RunAsync(CancellationToken.None);
        await _sent.WaitForAsync(1); // the first frame out, the rest paced
        var room = playout.WaitForRoomAsync(CancellationToken.None).AsTask();
        Assert.False(room.IsCompleted);

        playout.Clear(); // barge-in: the queued reply is dropped without waiting for its time

        await room.DefaultTimeout();
        playout.Complete();
        await run.DefaultTimeout();
        Assert.Equal(0, playout.QueuedFrames);
        Assert.Equal(1, _carrier.FramesSent);
    }

    [Fact]
    public async Task Once_playout_has_ended_nothing_more_is_kept_and_no_reader_waits()
    {
        var playout = NewPlayout(TimeSpan.FromSeconds(1));
        _carrier.FailSends = new IOException("socket closed");
        for (var i = 0; i < playout.MaxQueuedFrames; i++) playout.EnqueueFrame(Frame((byte)i), 1);
        await playout.RunAsync(CancellationToken.None).DefaultTimeout(); // the carrier's socket is gone

        for (var i = 0; i < 10; i++) playout.EnqueueFrame(Frame((byte)i), 1);

        Assert.Equal(0, playout.QueuedFrames);
        await playout.WaitForRoomAsync(CancellationToken.None).AsTask().DefaultTimeout();
    }

    /// <summary>What the playout reported sent, with the fake clock's time at the report, in order.</summary>
    internal sealed class SentFrames(ManualTimeProvider clock)
    {
        private readonly List<(PlayoutItem Item, long At)> _all = [];
        private readonly Channel<bool> _changed = Channel.CreateUnbounded<bool>();

        public long Start { get; } = clock.GetTimestamp();

        public IReadOnlyList<PlayoutItem> Items { get { lock (_all) return _all.Select(s => s.Item).ToList(); } }

        public int Count { get { lock (_all) return _all.Count; } }

        public ValueTask ReportAsync(PlayoutItem item, CancellationToken cancellationToken)
        {
            lock (_all) _all.Add((item, clock.GetTimestamp()));
            _changed.Writer.TryWrite(true);
            return ValueTask.CompletedTask;
        }

        public async Task WaitForAsync(int count)
        {
            while (Count < count) await _changed.Reader.ReadAsync().AsTask().DefaultTimeout();
        }

        public int[] Tags() { lock (_all) return _all.Select(s => (int)s.Item.Frame![0]).ToArray(); }

        public int[] Milliseconds() { lock (_all) return _all.Select(s => (int)TimeSpan.FromTicks(s.At - Start).TotalMilliseconds).ToArray(); }
    }
}
