using VoiceAgent.Telephony.WebSockets;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.Telephony.WebSockets;

/// <summary>The per-frame limit that re-arms its timer only when it fires early, on a manual clock.</summary>
public sealed class SlidingDeadlineTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(2);

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
        clock.Advance(Limit - TimeSpan.FromMilliseconds(1));
        Assert.Equal(0, expired);
        clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, expired);
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
}
