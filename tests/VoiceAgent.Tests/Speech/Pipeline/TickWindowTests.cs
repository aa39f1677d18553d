using VoiceAgent.Speech.Pipeline;

namespace VoiceAgent.Tests.Speech.Pipeline;

/// <summary>The playout scheduler's window of ticks (its Debug line 5071): gaps between ticks, the walk, the window's end.</summary>
public sealed class TickWindowTests
{
    private const long Frequency = 1000; // clock timestamps in ms

    [Fact]
    public void The_window_is_full_after_250_ticks_and_reports_the_gaps_between_them_and_the_longest_walk()
    {
        var window = new TickWindow(Frequency);
        window.Restart(0);
        long now = 0;
        for (var i = 1; i < TickWindow.Size; i++)
        {
            now += 20;
            Assert.False(window.Add(now, now + 1, playouts: 3));
        }

        now += 120; // one tick 100 ms late
        Assert.True(window.Add(now, now + 7, playouts: 4));

        Assert.Equal(TickWindow.Size, window.Ticks);
        Assert.Equal(20, window.GapMs(0.5));
        Assert.Equal(20, window.GapMs(0.99));
        Assert.Equal(120, window.GapMs(1));
        Assert.Equal(7, window.MaxWalkMs);
        Assert.Equal(4, window.Playouts);
    }

    [Fact]
    public void A_restart_begins_a_new_window_with_its_first_gap_counted_from_the_restart()
    {
        var window = new TickWindow(Frequency);
        window.Restart(0);
        window.Add(500, 500, playouts: 1);
        window.Restart(1000);

        window.Add(1035, 1035, playouts: 2);

        Assert.Equal(1, window.Ticks);
        Assert.Equal(35, window.GapMs(1));
        Assert.Equal(2, window.Playouts);
    }
}
