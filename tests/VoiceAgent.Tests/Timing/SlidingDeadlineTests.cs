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

    private readonly ManualTimeProvider _clock = new();
    private int _expired;

    [Fact]
    public void It_expires_exactly_the_limit_after_the_last_restart_however_many_restarts_came_before()
    {
        using var deadline = Deadline();
        for (var frame = 0; frame < 500; frame++)
        {
            deadline.Restart();
            _clock.Advance(TimeSpan.FromMilliseconds(20));
        }
        Assert.Equal(0, _expired);

        deadline.Restart();

        ExpiresExactlyAfter(Limit);
    }

    [Fact]
    public void Without_a_first_limit_it_does_not_run_until_the_first_restart()
    {
        using var deadline = Deadline();

        _clock.Advance(Limit * 5);

        Assert.Equal(0, _expired);
    }

    [Fact]
    public void A_stop_keeps_it_from_expiring_until_the_next_restart()
    {
        using var deadline = Deadline();
        deadline.Restart();
        deadline.Stop();
        _clock.Advance(Limit * 5);
        Assert.Equal(0, _expired);

        deadline.Restart();

        ExpiresExactlyAfter(Limit);
    }

    [Fact]
    public void A_restart_after_the_timer_was_armed_by_an_earlier_one_still_gets_the_whole_limit()
    {
        using var deadline = Deadline();
        deadline.Restart(); // arms the timer for t = 2 s
        deadline.Stop();
        _clock.Advance(TimeSpan.FromSeconds(1.5));

        deadline.Restart(); // the limit now ends at t = 3.5 s; the armed timer still fires at 2 s

        ExpiresExactlyAfter(Limit);
    }

    [Fact]
    public void A_first_limit_expires_at_its_own_length_when_no_restart_comes()
    {
        using var deadline = Deadline(FirstLimit);

        ExpiresExactlyAfter(FirstLimit);
    }

    [Fact]
    public void The_first_restart_replaces_a_longer_first_limit_with_the_limit()
    {
        using var deadline = Deadline(TimeSpan.FromSeconds(30));
        _clock.Advance(TimeSpan.FromSeconds(1));

        deadline.Restart();

        ExpiresExactlyAfter(Limit);
    }

    [Fact]
    public void After_a_first_limit_later_restarts_slide_it_as_usual()
    {
        using var deadline = Deadline(FirstLimit);
        deadline.Restart();
        for (var token = 0; token < 5; token++)
        {
            _clock.Advance(TimeSpan.FromMilliseconds(1500));
            deadline.Restart();
        }

        ExpiresExactlyAfter(Limit);
    }

    [Fact]
    public void A_stop_during_the_first_limit_holds_it_off_and_the_restart_gives_the_whole_limit()
    {
        using var deadline = Deadline(FirstLimit);
        _clock.Advance(TimeSpan.FromSeconds(1));
        deadline.Stop();
        _clock.Advance(TimeSpan.FromSeconds(30)); // past both limits while stopped
        Assert.Equal(0, _expired);

        deadline.Restart();

        ExpiresExactlyAfter(Limit);
    }

    [Fact]
    public void It_expires_once_and_runs_again_after_the_next_restart()
    {
        using var deadline = Deadline();
        deadline.Restart();
        _clock.Advance(Limit * 3);
        Assert.Equal(1, _expired);

        deadline.Restart();

        ExpiresExactlyAfter(Limit);
    }

    [Fact]
    public void A_restart_that_races_the_owner_disposing_it_is_dropped_quietly()
    {
        var deadline = new SlidingDeadline(TimeProvider.System, Limit, () => { }, firstLimit: FirstLimit); // a real timer: a change after dispose throws
        deadline.Dispose();

        var error = Record.Exception(deadline.Restart);

        Assert.Null(error);
    }

    private SlidingDeadline Deadline(TimeSpan? firstLimit = null) => new(_clock, Limit, () => _expired++, firstLimit);

    /// <summary>Not expired (again) a tick before <paramref name="span"/> from now, expired once more at it.</summary>
    private void ExpiresExactlyAfter(TimeSpan span)
    {
        var before = _expired;
        _clock.Advance(span - Tick);
        Assert.Equal(before, _expired);
        _clock.Advance(Tick);
        Assert.Equal(before + 1, _expired);
    }
}
