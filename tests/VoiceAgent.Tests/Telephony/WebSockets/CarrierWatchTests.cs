using VoiceAgent.Telephony.WebSockets;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.Telephony.WebSockets;

/// <summary>The carrier socket's limits on a fake clock: start, idle, maximum length.</summary>
public sealed class CarrierWatchTests
{
    private static readonly CarrierLimits Limits = new()
    {
        StartTimeout = TimeSpan.FromSeconds(5),
        IdleTimeout = TimeSpan.FromSeconds(2),
        SendStallTimeout = TimeSpan.FromSeconds(10),
        MaxCallLength = TimeSpan.FromMinutes(60),
    };

    [Fact]
    public async Task A_socket_without_its_opening_message_expires_at_the_start_limit()
    {
        var clock = new ManualTimeProvider();
        using var watch = new CarrierWatch(Limits, clock, watchIdle: false);
        clock.Advance(TimeSpan.FromSeconds(4.9));
        Assert.False(watch.Expired.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(0.1));
        Assert.Equal(CarrierDeadline.NeverStarted, await watch.Expired.DefaultTimeout());
    }

    [Fact]
    public void A_started_socket_is_not_ended_by_the_start_limit()
    {
        var clock = new ManualTimeProvider();
        using var watch = new CarrierWatch(Limits, clock, watchIdle: false);
        watch.Started();
        clock.Advance(TimeSpan.FromMinutes(30));
        Assert.False(watch.Expired.IsCompleted);
    }

    [Fact]
    public async Task Every_frame_restarts_the_idle_limit_and_silence_ends_the_call()
    {
        var clock = new ManualTimeProvider();
        using var watch = new CarrierWatch(Limits, clock, watchIdle: true);
        watch.Started();
        for (var i = 0; i < 100; i++)
        {
            clock.Advance(TimeSpan.FromMilliseconds(20));
            watch.Received();
        }
        clock.Advance(TimeSpan.FromSeconds(1.9));
        Assert.False(watch.Expired.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(0.1));
        Assert.Equal(CarrierDeadline.Idle, await watch.Expired.DefaultTimeout());
    }

    [Fact]
    public async Task The_relay_socket_has_no_idle_limit_but_a_maximum_length()
    {
        var clock = new ManualTimeProvider();
        using var watch = new CarrierWatch(Limits, clock, watchIdle: false);
        watch.Started();
        clock.Advance(TimeSpan.FromMinutes(59));
        Assert.False(watch.Expired.IsCompleted);
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(CarrierDeadline.MaxCallLength, await watch.Expired.DefaultTimeout());
    }

    [Fact]
    public async Task After_the_maximum_length_the_carrier_gets_one_stall_period_to_end_the_call()
    {
        var clock = new ManualTimeProvider();
        using var watch = new CarrierWatch(Limits, clock, watchIdle: false);
        watch.Started();
        clock.Advance(TimeSpan.FromMinutes(60));
        Assert.Equal(CarrierDeadline.MaxCallLength, await watch.Expired.DefaultTimeout());

        watch.RearmAfterTimeLimit();
        Assert.False(watch.Expired.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(CarrierDeadline.MaxCallLength, await watch.Expired.DefaultTimeout());
    }
}
