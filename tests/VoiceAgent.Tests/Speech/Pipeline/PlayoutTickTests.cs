using Microsoft.Extensions.Logging.Abstractions;
using VoiceAgent.Observability;
using VoiceAgent.Speech.Pipeline;
using VoiceAgent.Tests.Speech.Pipeline.Fakes;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.Speech.Pipeline;

/// <summary>
/// The scheduler's tick logic (<see cref="PlayoutScheduler.TickAll"/>), each tick placed by the test on a fake clock: a
/// due frame is written on the tick's own thread, in order; a call whose write is pending does not hold the tick; a
/// late tick refills the lead and sends nothing beyond it. The same logic runs on the production pacing thread.
/// </summary>
public sealed class PlayoutTickTests : IAsyncLifetime
{
    private static readonly TimeSpan Frame20 = TimeSpan.FromMilliseconds(20);
    private readonly ManualTimeProvider _clock = new();
    private readonly PlayoutScheduler _scheduler;
    private readonly VoiceAgentMetrics _metrics = new(new TestMeterFactory());

    public PlayoutTickTests() => _scheduler = new PlayoutScheduler(_clock, ticks: PlayoutTicks.Caller);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _scheduler.DisposeAsync();

    private sealed record Call(Playout Playout, RecordingCarrier Carrier, PlayoutTests.SentFrames Sent, Task Run);

    private Call StartCall(int frames, TimeSpan lead)
    {
        var carrier = new RecordingCarrier(AudioFormat.MuLaw8k);
        var sent = new PlayoutTests.SentFrames(_clock);
        var playout = new Playout(carrier, lead, _clock, _scheduler, _metrics, "test", sent.ReportAsync, NullLogger.Instance, "CA" + frames);
        for (var i = 1; i <= frames; i++) playout.EnqueueFrame(Enumerable.Repeat((byte)i, 160).ToArray(), replyId: 1);
        return new Call(playout, carrier, sent, playout.RunAsync(CancellationToken.None));
    }

    /// <summary>Waits (bounded) until the playout has published when its next frame is due: it waits for a tick.</summary>
    private static async Task ParkedAsync(Playout playout)
    {
        var bound = Task.Delay(TaskTimeoutExtensions.DefaultTimeoutSpan);
        while (playout.DueAt == long.MaxValue)
        {
            Assert.False(bound.IsCompleted, "the playout never waited for a tick");
            await Task.Yield();
        }
    }

    private void Tick(TimeSpan advance)
    {
        _clock.Advance(advance);
        _scheduler.TickAll(_clock.GetTimestamp());
    }

    private static async Task EndAsync(Call call)
    {
        call.Playout.Complete();
        await call.Run.DefaultTimeout();
    }

    [Fact]
    public async Task A_due_frame_is_written_on_the_ticks_own_thread_in_order()
    {
        var call = StartCall(frames: 5, lead: TimeSpan.Zero);
        await call.Sent.WaitForAsync(1); // the first frame goes at once, from the pool
        await ParkedAsync(call.Playout);

        var ticking = Environment.CurrentManagedThreadId;
        for (var frame = 2; frame <= 5; frame++)
        {
            Tick(Frame20);
            Assert.Equal(frame, call.Sent.Count); // written before the tick returned: no hop to another thread
            Assert.Equal(ticking, call.Sent.Threads()[frame - 1]);
        }

        await EndAsync(call);
        Assert.Equal([1, 2, 3, 4, 5], call.Sent.Tags());
        Assert.Equal([0, 20, 40, 60, 80], call.Sent.Milliseconds());
    }

    [Fact]
    public async Task A_call_whose_socket_write_is_pending_does_not_hold_the_tick_for_the_others()
    {
        var stuck = StartCall(frames: 4, lead: TimeSpan.Zero);
        var others = Enumerable.Range(0, 3).Select(_ => StartCall(frames: 4, lead: TimeSpan.Zero)).ToArray();
        foreach (var call in others.Append(stuck))
        {
            await call.Sent.WaitForAsync(1);
            await ParkedAsync(call.Playout);
        }

        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        stuck.Carrier.HoldSends = release; // its next write does not complete until released
        for (var frame = 2; frame <= 4; frame++)
        {
            Tick(Frame20); // the stuck call's write starts and stays pending; the tick goes on to the others
            foreach (var call in others) Assert.Equal(frame, call.Sent.Count);
        }

        Assert.Equal(1, stuck.Sent.Count);
        Assert.Equal(1, stuck.Carrier.HeldSends); // asked once, then passed by while its write is pending
        stuck.Carrier.HoldSends = null;
        release.SetResult();
        await stuck.Sent.WaitForAsync(2); // the write completes: the call goes on, paced from when it completed
        await ParkedAsync(stuck.Playout);
        Tick(Frame20);
        Tick(Frame20);
        Assert.Equal(4, stuck.Sent.Count);
        foreach (var call in others.Append(stuck)) await EndAsync(call);
        Assert.Equal([1, 2, 3, 4], stuck.Sent.Tags());
        foreach (var call in others) Assert.Equal([0, 20, 40, 60], call.Sent.Milliseconds());
    }

    [Fact]
    public async Task A_late_tick_refills_the_lead_and_sends_nothing_beyond_it()
    {
        var call = StartCall(frames: 10, lead: TimeSpan.FromMilliseconds(60));
        await call.Sent.WaitForAsync(4); // 80 ms at the carrier at once: it holds the lead once the first frame plays
        await ParkedAsync(call.Playout);

        Tick(TimeSpan.FromMilliseconds(60)); // the ticks at 20 and 40 ms never came: one tick, 40 ms late
        Assert.Equal(7, call.Sent.Count); // frames 5-7 (due at 20, 40, 60 ms) go now; the carrier holds 140 - 60 = 80 ms
        Tick(Frame20);
        Tick(Frame20);
        Tick(Frame20);

        await EndAsync(call);
        Assert.Equal([0, 0, 0, 0, 60, 60, 60, 80, 100, 120], call.Sent.Milliseconds());
    }
}
