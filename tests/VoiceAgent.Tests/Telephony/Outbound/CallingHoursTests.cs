using VoiceAgent.Telephony.Outbound;

namespace VoiceAgent.Tests.Telephony.Outbound;

public sealed class CallingHoursTests
{
    private static readonly TimeZoneInfo Paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");

    [Fact]
    public void The_window_is_read_in_the_callee_time_zone()
    {
        Assert.True(CallingHours.TryParse("09:00-20:00", out var hours));
        var utc = new DateTimeOffset(2026, 6, 1, 7, 30, 0, TimeSpan.Zero); // 09:30 in Paris (summer time)
        Assert.True(hours.Contains(utc, Paris));
        Assert.False(hours.Contains(utc, TimeZoneInfo.Utc));
    }

    [Fact]
    public void Outside_the_window_the_next_opening_is_the_next_local_start()
    {
        CallingHours.TryParse("09:00-20:00", out var hours);
        var utc = new DateTimeOffset(2026, 6, 1, 19, 0, 0, TimeSpan.Zero); // 21:00 in Paris
        Assert.Equal(new DateTimeOffset(2026, 6, 2, 7, 0, 0, TimeSpan.Zero), hours.NextOpening(utc, Paris));
    }

    [Fact]
    public void A_window_past_midnight_wraps()
    {
        CallingHours.TryParse("22:00-02:00", out var hours);
        Assert.True(hours.Contains(new DateTimeOffset(2026, 1, 1, 23, 0, 0, TimeSpan.Zero), TimeZoneInfo.Utc));
        Assert.True(hours.Contains(new DateTimeOffset(2026, 1, 1, 1, 0, 0, TimeSpan.Zero), TimeZoneInfo.Utc));
        Assert.False(hours.Contains(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero), TimeZoneInfo.Utc));
    }

    [Theory]
    [InlineData("9-17")]
    [InlineData("09:00")]
    [InlineData("25:00-26:00")]
    [InlineData("10:00-10:00")]
    public void A_malformed_window_is_refused(string text) => Assert.False(CallingHours.TryParse(text, out _));
}
