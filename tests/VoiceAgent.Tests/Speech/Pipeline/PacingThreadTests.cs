using Microsoft.Extensions.Logging.Abstractions;
using VoiceAgent.Observability;
using VoiceAgent.Speech.Pipeline;
using VoiceAgent.Tests.Speech.Pipeline.Fakes;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.Speech.Pipeline;

/// <summary>
/// With the system clock the playout ticks come from the scheduler's dedicated pacing thread, not from a timer on the
/// thread pool: paced frames are written on that thread, in order. (The tick logic itself is specified on a fake clock
/// in <see cref="PlayoutTickTests"/>.)
/// </summary>
public sealed class PacingThreadTests : IAsyncLifetime
{
    private readonly PlayoutScheduler _scheduler = new(TimeProvider.System);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _scheduler.DisposeAsync();

    [Fact]
    public void The_system_clock_gets_the_dedicated_pacing_thread() => Assert.Equal(PlayoutTicks.PacingThread, _scheduler.Ticks);

    [Fact]
    public async Task Paced_frames_are_written_on_the_pacing_thread_in_order()
    {
        var carrier = new RecordingCarrier(AudioFormat.MuLaw8k);
        var sent = new PlayoutTests.SentFrames(TimeProvider.System);
        var playout = new Playout(carrier, TimeSpan.Zero, TimeProvider.System, _scheduler, new VoiceAgentMetrics(new TestMeterFactory()), "test",
            sent.ReportAsync, NullLogger.Instance, "CA1");
        for (byte i = 1; i <= 10; i++) playout.EnqueueFrame(Enumerable.Repeat(i, 160).ToArray(), replyId: 1);
        var run = playout.RunAsync(CancellationToken.None);

        await sent.WaitForAsync(10);
        playout.Complete();
        await run.DefaultTimeout();

        Assert.Equal([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], sent.Tags());
        // The first frame goes at once from the pool; each later one on a tick. (A frame whose tick came before the
        // call was back waiting for it goes from where the call was, so the test asks for one, not all nine.)
        Assert.Contains(PlayoutScheduler.PacingThread, sent.ThreadNames()[1..]);
        Assert.Equal(0, _scheduler.Count);
    }
}
