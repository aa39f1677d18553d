using VoiceAgent.Hosting.Memory;

namespace VoiceAgent.Tests.Hosting.Memory;

/// <summary>When a wave of calls counts as ended, from samples of the live calls on a clock the test moves.</summary>
public sealed class WaveEndPolicyTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(10);

    [Fact]
    public void A_wave_that_ended_with_no_call_left_is_compacted_once_after_the_quiet_period()
    {
        var policy = new WaveEndPolicy(minEndedCalls: 20, Quiet);
        Assert.Equal(ReclaimMode.None, policy.Observe(50, T0));
        Assert.Equal(ReclaimMode.None, policy.Observe(0, T0.AddSeconds(1)));
        Assert.Equal(ReclaimMode.None, policy.Observe(0, T0.AddSeconds(10.9)));
        Assert.Equal(ReclaimMode.Aggressive, policy.Observe(0, T0.AddSeconds(11)));
        Assert.Equal(ReclaimMode.None, policy.Observe(0, T0.AddSeconds(30)));
        Assert.Equal(0, policy.Peak);
    }

    [Fact]
    public void A_wave_that_ended_while_other_calls_go_on_gets_a_background_collection()
    {
        var policy = new WaveEndPolicy(minEndedCalls: 20, Quiet);
        policy.Observe(54, T0);
        policy.Observe(4, T0.AddSeconds(1));
        Assert.Equal(ReclaimMode.Background, policy.Observe(4, T0.AddSeconds(11)));
        Assert.Equal(4, policy.Peak);
    }

    [Fact]
    public void A_wave_whose_last_calls_outlived_the_background_collection_is_compacted_once_none_is_left()
    {
        var policy = new WaveEndPolicy(minEndedCalls: 20, Quiet);
        policy.Observe(50, T0);
        policy.Observe(6, T0.AddSeconds(1));
        Assert.Equal(ReclaimMode.Background, policy.Observe(6, T0.AddSeconds(11)));
        Assert.Equal(ReclaimMode.None, policy.Observe(0, T0.AddSeconds(12))); // the stragglers hung up: fewer than 20, but the wave is not compacted yet
        Assert.Equal(ReclaimMode.Aggressive, policy.Observe(0, T0.AddSeconds(22)));
        Assert.Equal(ReclaimMode.None, policy.Observe(0, T0.AddMinutes(5)));
    }

    [Fact]
    public void Calls_coming_back_before_the_quiet_period_is_over_put_the_reclaim_off()
    {
        var policy = new WaveEndPolicy(minEndedCalls: 20, Quiet);
        policy.Observe(50, T0);
        policy.Observe(10, T0.AddSeconds(1));
        Assert.Equal(ReclaimMode.None, policy.Observe(40, T0.AddSeconds(5))); // a new wave: more than half the peak again
        Assert.Equal(ReclaimMode.None, policy.Observe(10, T0.AddSeconds(6)));
        Assert.Equal(ReclaimMode.None, policy.Observe(10, T0.AddSeconds(15.9)));
        Assert.Equal(ReclaimMode.Background, policy.Observe(10, T0.AddSeconds(16)));
    }

    [Fact]
    public void Fewer_ended_calls_than_the_threshold_or_a_dip_above_half_the_peak_is_no_wave()
    {
        var small = new WaveEndPolicy(minEndedCalls: 20, Quiet);
        small.Observe(19, T0);
        Assert.Equal(ReclaimMode.None, small.Observe(0, T0.AddSeconds(1)));
        Assert.Equal(ReclaimMode.None, small.Observe(0, T0.AddMinutes(5)));

        var busy = new WaveEndPolicy(minEndedCalls: 20, Quiet);
        busy.Observe(100, T0);
        Assert.Equal(ReclaimMode.None, busy.Observe(70, T0.AddSeconds(1)));
        Assert.Equal(ReclaimMode.None, busy.Observe(70, T0.AddMinutes(5)));
    }

    [Fact]
    public void Zero_calls_turns_reclaiming_off()
    {
        var off = new WaveEndPolicy(minEndedCalls: 0, Quiet);
        off.Observe(500, T0);
        Assert.Equal(ReclaimMode.None, off.Observe(0, T0.AddSeconds(1)));
        Assert.Equal(ReclaimMode.None, off.Observe(0, T0.AddHours(1)));
    }
}
