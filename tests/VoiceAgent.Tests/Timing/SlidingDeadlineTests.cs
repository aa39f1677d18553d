using VoiceAgent.Tests.TestSupport;
using VoiceAgent.Timing;

namespace VoiceAgent.Tests.Timing;

/// <summary>
/// The one sliding deadline behind the carrier's idle and send-stall limits and the model stream watchdog, on a manual
/// clock: it expires exactly the limit after the last restart, a stop holds it off until the next restart, and an
/// optional first limit runs until the first restart. What each caller makes of it is in CarrierWatchTests,
/// CarrierSocketWriterTests and StreamWatchdogTests.
/// </summary>
public sealed class SlidingDeadlineTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan FirstLimit = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(1);

    [Fact]
    public void It_expires_exactly_the_limit_after_the_last_restart_however_many_restarts_came_before()
    {
        var clock = new ManualTimeProvider();
        var expired = 0;
        using var deadline = new SlidingDeadline(clock, Limit, () => expired++);
        for (var frame = 0; frame < 500; frame++)
        {
            deadline.Restart();
            clock.Advance(TimeSpan.FromMilliseconds(20));
        }
        Assert.Equal(0, expired);
        deadline.Restart();
        clock.Advance(Limit - Tick);
        Assert.Equal(0, expired);
        clock.Advance(Tick);
        Assert.Equal(1, expired);
    }

    [Fact]
    public void Without_a_first_limit_it_does_not_run_until_the_first_restart()
    {
        var clock = new ManualTimeProvider();
        var expired = 0;
        using var deadline = new SlidingDeadline(clock, Limit, () => expired++);

        clock.Advance(Limit * 5);

        Assert.Equal(0, expired);
    }

    [Fact]
    public void A_stop_keeps_it_from_expiring_until_the_next_restart()
    {
        var clock = new ManualTimeProvider();
        var expired = 0;
        using var deadline = new SlidingDeadline(clock, Limit, () => expired++);
        deadline.Restart();
        deadline.Stop();
        clock.Advance(Limit * 5);
        Assert.Equal(0, expired);
        deadline.Restart();
        clock.Advance(Limit);
        Assert.Equal(1, expired);
    }

    [Fact]
    public void A_restart_after_the_timer_was_armed_by_an_earlier_one_still_gets_the_whole_limit()
    {
        var clock = new ManualTimeProvider();
        var expired = 0;
        using var deadline = new SlidingDeadline(clock, Limit, () => expired++);
        deadline.Restart(); // arms the timer for t = 2 s
        deadline.Stop();
        clock.Advance(TimeSpan.FromSeconds(1.5));
        deadline.Restart(); // the limit now ends at t = 3.5 s; the armed timer still fires at 2 s
        clock.Advance(TimeSpan.FromSeconds(1.9));
        Assert.Equal(0, expired);
        clock.Advance(TimeSpan.FromSeconds(0.1));
        Assert.Equal(1, expired);
    }

    [Fact]
    public void A_first_limit_expires_at_its_own_length_when_no_restart_comes()
    {
        var clock = new ManualTimeProvider();
        var expired = 0;
        using var deadline = new SlidingDeadline(clock, Limit, () => expired++, firstLimit: FirstLimit);

        clock.Advance(FirstLimit - Tick);
        Assert.Equal(0, expired);
        clock.Advance(Tick);

        Assert.Equal(1, expired);
    }

    [Fact]
    public void The_first_restart_replaces_a_longer_first_limit_with_the_limit()
    {
        var clock = new ManualTimeProvider();
        var expired = 0;
        using var deadline = new SlidingDeadline(clock, Limit, () => expired++, firstLimit: TimeSpan.FromSeconds(30));
        clock.Advance(TimeSpan.FromSeconds(1));
        deadline.Restart();

        clock.Advance(Limit - Tick);
        Assert.Equal(0, expired);
        clock.Advance(Tick);

        Assert.Equal(1, expired);
    }

    [Fact]
    public void After_a_first_limit_later_restarts_slide_it_as_usual()
    {
        var clock = new ManualTimeProvider();
        var expired = 0;
        using var deadline = new SlidingDeadline(clock, Limit, () => expired++, firstLimit: FirstLimit);
        deadline.Restart();
        for (var token = 0; token < 5; token++)
        {
            clock.Advance(TimeSpan.FromMilliseconds(1500));
            deadline.Restart();
        }
        Assert.Equal(0, expired);

        clock.Advance(Limit - Tick);
        Assert.Equal(0, expired);
        clock.Advance(Tick);

        Assert.Equal(1, expired);
    }

    [Fact]
    public void A_stop_during_the_first_limit_holds_it_off_and_the_restart_gives_the_whole_limit()
    {
        var clock = new ManualTimeProvider();
        var expired = 0;
        using var deadline = new SlidingDeadline(clock, Limit, () => expired++, firstLimit: FirstLimit);
        clock.Advance(TimeSpan.FromSeconds(1));
        deadline.Stop();

        clock.Advance(TimeSpan.FromSeconds(30)); // past both limits while stopped
        Assert.Equal(0, expired);
        deadline.Restart();
        clock.Advance(Limit - Tick);
        Assert.Equal(0, expired);
        clock.Advance(Tick);

        Assert.Equal(1, expired);
    }

    [Fact]
    public void It_expires_once_and_runs_again_after_the_next_restart()
    {
        var clock = new ManualTimeProvider();
        var expired = 0;
        using var deadline = new SlidingDeadline(clock, Limit, () => expired++);
        deadline.Restart();
        clock.Advance(Limit * 3);
        Assert.Equal(1, expired);

        deadline.Restart();
        clock.Advance(Limit);

        Assert.Equal(2, expired);
    }

    [Fact]
    public void A_restart_that_races_the_owner_disposing_it_is_dropped_quietly()
    {
        var deadline = new SlidingDeadline(TimeProvider.System, Limit, () => { }, firstLimit: FirstLimit); // a real timer: a change after dispose throws
        deadline.Dispose();

        var error = Record.Exception(deadline.Restart);

        Assert.Null(error);
    }
}
