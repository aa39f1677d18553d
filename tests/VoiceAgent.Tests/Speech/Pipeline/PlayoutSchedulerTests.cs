using Microsoft.Extensions.Logging.Abstractions;
using VoiceAgent.Observability;
using VoiceAgent.Speech.Pipeline;
using VoiceAgent.Tests.Speech.Pipeline.Fakes;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.Speech.Pipeline;

/// <summary>
/// One pacing timer for every call (<see cref="PlayoutScheduler"/>), on a fake clock without sockets: many calls paced
/// by one tick, a call whose write is pending does not hold the others, the timer exists only while calls play.
/// </summary>
public sealed class PlayoutSchedulerTests : IAsyncLifetime
{
    private static readonly TimeSpan Frame20 = TimeSpan.FromMilliseconds(20);
    private readonly ManualTimeProvider _clock = new();
    private readonly PlayoutScheduler _scheduler;
    private readonly VoiceAgentMetrics _metrics = new(new TestMeterFactory());

    public PlayoutSchedulerTests() => _scheduler = new PlayoutScheduler(_clock);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _scheduler.DisposeAsync();

    private sealed record Call(Playout Playout, RecordingCarrier Carrier, PlayoutTests.SentFrames Sent, Task Run);

    private Call StartCall(int frames, TimeSpan lead, CancellationToken cancellationToken = default)
    {
        var carrier = new RecordingCarrier(AudioFormat.MuLaw8k);
        var sent = new PlayoutTests.SentFrames(_clock);
        var playout = new Playout(carrier, lead, _clock, _scheduler, _metrics, "test", sent.ReportAsync, NullLogger.Instance, "CA" + frames);
        for (var i = 1; i <= frames; i++) playout.EnqueueFrame(Enumerable.Repeat((byte)i, 160).ToArray(), replyId: 1);
        return new Call(playout, carrier, sent, playout.RunAsync(cancellationToken));
    }

    [Fact]
    public async Task Many_calls_are_paced_by_one_timer_and_each_tick_releases_one_frame_of_every_call()
    {
        var calls = Enumerable.Range(0, 40).Select(_ => StartCall(frames: 4, lead: TimeSpan.Zero)).ToArray();
        foreach (var call in calls) await call.Sent.WaitForAsync(1); // each call's first frame went at once
        await _clock.WaitForPendingTimersAsync().DefaultTimeout();

        Assert.Equal(1, _clock.PendingTimers); // one timer for 40 playing calls, none of their own
        Assert.Equal(40, _scheduler.Count);
        for (var frame = 2; frame <= 4; frame++)
        {
            _clock.Advance(Frame20);
            foreach (var call in calls) await call.Sent.WaitForAsync(frame);
        }

        foreach (var call in calls)
        {
            call.Playout.Complete();
            await call.Run.DefaultTimeout();
            Assert.Equal([0, 20, 40, 60], call.Sent.Milliseconds());
        }
    }

    [Fact]
    public async Task A_call_whose_socket_write_is_pending_does_not_hold_the_others()
    {
        var stuck = StartCall(frames: 5, lead: TimeSpan.Zero);
        var others = Enumerable.Range(0, 3).Select(_ => StartCall(frames: 5, lead: TimeSpan.Zero)).ToArray();
        await stuck.Sent.WaitForAsync(1);
        foreach (var call in others) await call.Sent.WaitForAsync(1);
        await _clock.WaitForPendingTimersAsync().DefaultTimeout();

        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        stuck.Carrier.HoldSends = release; // its next write never completes until released
        _clock.Advance(Frame20);
        await stuck.Carrier.WaitForHeldSendsAsync(1);
        foreach (var call in others) await call.Sent.WaitForAsync(2);
        for (var frame = 3; frame <= 5; frame++)
        {
            _clock.Advance(Frame20); // the stuck call is skipped: it is not waiting for a tick
            foreach (var call in others) await call.Sent.WaitForAsync(frame);
        }

        Assert.Equal(1, stuck.Sent.Count);
        Assert.Equal(1, stuck.Carrier.HeldSends); // skipped on every tick, not asked to write again
        foreach (var call in others) Assert.Equal([0, 20, 40, 60, 80], call.Sent.Milliseconds());

        stuck.Carrier.HoldSends = null;
        release.SetResult(); // the write completes: the call goes on from where it was
        await stuck.Sent.WaitForAsync(2);
        for (var frame = 3; frame <= 5; frame++)
        {
            _clock.Advance(Frame20); // paced again from when its write completed
            await stuck.Sent.WaitForAsync(frame);
        }
        stuck.Playout.Complete();
        await stuck.Run.DefaultTimeout();
        Assert.Equal([1, 2, 3, 4, 5], stuck.Sent.Tags());
    }

    [Fact]
    public async Task A_reply_that_starts_between_two_ticks_sends_each_paced_frame_on_the_tick_before_its_deadline_not_after_it()
    {
        using var keeperEnds = new CancellationTokenSource();
        var keeper = StartCall(frames: 10, lead: TimeSpan.Zero, keeperEnds.Token); // another call: the shared ticks fall at 20, 40, 60 ...
        await keeper.Sent.WaitForAsync(1);
        await _clock.WaitForPendingTimersAsync().DefaultTimeout();
        _clock.Advance(TimeSpan.FromMilliseconds(7));

        var call = StartCall(frames: 7, lead: TimeSpan.FromMilliseconds(60)); // starts at 7 ms
        await call.Sent.WaitForAsync(4); // 80 ms at once: the carrier plays them until 87 ms
        _clock.Advance(TimeSpan.FromMilliseconds(13));
        await call.Sent.WaitForAsync(5);
        _clock.Advance(Frame20);
        await call.Sent.WaitForAsync(6);
        _clock.Advance(Frame20);
        await call.Sent.WaitForAsync(7);
        call.Playout.Complete();
        await call.Run.DefaultTimeout();

        // Frame 5 is due at the carrier at 87 - 60 = 27 ms: it leaves on the 20 ms tick (13 ms after the call started),
        // not on the 40 ms one; frames 6 and 7 (due at 47, 67) on the 40 and 60 ms ticks.
        Assert.Equal([0, 0, 0, 0, 13, 33, 53], call.Sent.Milliseconds());
        await keeperEnds.CancelAsync();
        await keeper.Run.DefaultTimeout();
    }

    [Fact]
    public async Task After_a_write_that_stalled_for_several_ticks_the_frames_that_fell_due_go_at_once_to_refill_the_lead()
    {
        var call = StartCall(frames: 10, lead: TimeSpan.FromMilliseconds(60));
        await call.Sent.WaitForAsync(4); // 80 ms at the carrier at once
        await _clock.WaitForPendingTimersAsync().DefaultTimeout();

        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        call.Carrier.HoldSends = release;
        _clock.Advance(Frame20); // frame 5's write starts and hangs
        await call.Carrier.WaitForHeldSendsAsync(1);
        _clock.Advance(Frame20);
        _clock.Advance(Frame20);
        _clock.Advance(Frame20); // 80 ms: the carrier has played all it held
        call.Carrier.HoldSends = null;
        release.SetResult();
        await call.Sent.WaitForAsync(8);

        // Frame 5 completed at 80 ms; frames 6-8 (due at 40, 60, 80 ms) followed at once: the carrier holds the lead again.
        Assert.Equal([0, 0, 0, 0, 80, 80, 80, 80], call.Sent.Milliseconds());
        call.Playout.Complete();
        _clock.Advance(Frame20);
        await call.Sent.WaitForAsync(9);
        _clock.Advance(Frame20);
        await call.Run.DefaultTimeout();
        Assert.Equal(10, call.Sent.Count);
    }

    [Fact]
    public async Task The_timer_runs_only_while_some_call_is_playing()
    {
        using var ended = new CancellationTokenSource();
        var call = StartCall(frames: 3, lead: TimeSpan.Zero, ended.Token);
        await call.Sent.WaitForAsync(1);
        await _clock.WaitForPendingTimersAsync().DefaultTimeout();

        await ended.CancelAsync();
        await call.Run.DefaultTimeout();
        _clock.Advance(Frame20); // the next tick finds nobody and stops the timer
        await _clock.WaitForPendingTimersAtMostAsync(0).DefaultTimeout();

        Assert.Equal(0, _scheduler.Count);
        Assert.Equal(0, _clock.PendingTimers);

        var next = StartCall(frames: 2, lead: TimeSpan.Zero); // a new call starts it again
        await next.Sent.WaitForAsync(1);
        await _clock.WaitForPendingTimersAsync().DefaultTimeout();
        _clock.Advance(Frame20);
        await next.Sent.WaitForAsync(2);
        next.Playout.Complete();
        await next.Run.DefaultTimeout();
    }
}
