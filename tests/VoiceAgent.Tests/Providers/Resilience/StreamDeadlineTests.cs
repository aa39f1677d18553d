using VoiceAgent.Providers.Resilience;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.Providers.Resilience;

/// <summary>
/// The watchdog's one timer per stream (<see cref="StreamDeadline"/>) on virtual time: the first-token deadline, then
/// the silence since the caller last handed an update back, never the time the caller held one.
/// </summary>
public sealed class StreamDeadlineTests
{
    private static readonly TimeSpan FirstToken = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan Stall = TimeSpan.FromSeconds(2);

    [Fact]
    public void No_first_token_expires_at_the_first_token_deadline()
    {
        var time = new ManualTimeProvider();
        using var deadline = new StreamDeadline(time, FirstToken, Stall);

        time.Advance(FirstToken - TimeSpan.FromMilliseconds(1));
        Assert.False(deadline.Expired);
        time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.True(deadline.Token.IsCancellationRequested);
    }

    [Fact]
    public void Silence_is_measured_from_the_last_update_handed_back_not_from_the_first_token()
    {
        var time = new ManualTimeProvider();
        using var deadline = new StreamDeadline(time, FirstToken, Stall);
        deadline.Hold();
        deadline.Release();

        for (var token = 0; token < 5; token++)
        {
            time.Advance(TimeSpan.FromMilliseconds(1500));
            deadline.Hold();
            deadline.Release();
        }
        Assert.False(deadline.Expired);
        time.Advance(Stall - TimeSpan.FromMilliseconds(1));
        Assert.False(deadline.Expired);
        time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.True(deadline.Expired);
    }

    [Fact]
    public void Time_the_caller_holds_an_update_does_not_count()
    {
        var time = new ManualTimeProvider();
        using var deadline = new StreamDeadline(time, FirstToken, Stall);
        time.Advance(TimeSpan.FromSeconds(1));
        deadline.Hold();

        time.Advance(TimeSpan.FromSeconds(30)); // past both deadlines while the caller speaks the first token
        Assert.False(deadline.Expired);
        deadline.Release();
        time.Advance(Stall - TimeSpan.FromMilliseconds(1));
        Assert.False(deadline.Expired);
        time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.True(deadline.Expired);
    }

    [Fact]
    public void A_long_first_token_deadline_does_not_delay_the_stall_clock()
    {
        var time = new ManualTimeProvider();
        using var deadline = new StreamDeadline(time, TimeSpan.FromSeconds(30), Stall);
        time.Advance(TimeSpan.FromSeconds(1));
        deadline.Hold();
        deadline.Release();

        time.Advance(Stall);

        Assert.True(deadline.Expired);
    }
}
