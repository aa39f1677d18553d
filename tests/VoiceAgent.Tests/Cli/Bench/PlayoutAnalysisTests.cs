using VoiceAgent.Cli.Bench.Outside;

namespace VoiceAgent.Tests.Cli.Bench;

/// <summary>
/// The media bench's jitter-buffer replay: frames' arrival times decide whether a caller's playback ran dry inside a
/// reply, how much silence that made, and each frame's delay variation against the reply's real-time schedule.
/// </summary>
public sealed class PlayoutAnalysisTests
{
    private static ArrivedFrame Media(double ms) => new("media", TimeSpan.FromMilliseconds(ms));

    private static ArrivedFrame Mark(double ms, string name) => new("mark", TimeSpan.FromMilliseconds(ms), name);

    [Fact]
    public void A_reply_that_bursts_then_arrives_at_pace_never_runs_dry_and_varies_by_nothing()
    {
        // 4 frames at once (the lead), then one every 20 ms.
        var frames = new List<ArrivedFrame> { Media(101), Media(101), Media(101), Media(101) };
        for (var i = 1; i <= 10; i++) frames.Add(Media(101 + 20 * i));
        frames.Add(Mark(305, "g0r1end"));

        var figures = PlayoutAnalysis.Analyze(frames);

        Assert.Equal(1, figures.Replies);
        Assert.Equal(14, figures.Frames);
        Assert.Equal(0, figures.Underruns);
        Assert.Equal(0, figures.SilenceMs);
        Assert.All(figures.DelayVariationMs, v => Assert.Equal(0, v, 6));
    }

    [Fact]
    public void A_frame_that_arrives_after_it_was_due_is_an_underrun_and_the_silence_lasts_until_the_next_tick()
    {
        // First frame at 10 ms plays 20-40; the second is due at 40 but arrives at 75: silent 40-80, plays 80-100.
        var figures = PlayoutAnalysis.Analyze([Media(10), Media(75), Media(76), Mark(90, "g0r1end")]);

        Assert.Equal(1, figures.Underruns);
        Assert.Equal(40, figures.SilenceMs, 6);
        Assert.Equal([45, 26], figures.DelayVariationMs.Select(v => Math.Round(v, 6)));
    }

    [Fact]
    public void The_silence_between_two_replies_is_not_an_underrun()
    {
        var figures = PlayoutAnalysis.Analyze([Media(10), Media(30), Mark(31, "g0r1end"), Media(2000), Media(2001), Mark(2002, "g0r2end")]);

        Assert.Equal(2, figures.Replies);
        Assert.Equal(0, figures.Underruns);
    }

    [Fact]
    public void A_clear_ends_the_reply_and_a_mark_that_is_not_the_last_does_not()
    {
        var cut = PlayoutAnalysis.Analyze([Media(10), Mark(11, "g0r1s0"), Media(12), Arrived("clear", 15), Media(900), Mark(901, "g1r2end")]);
        var gap = PlayoutAnalysis.Analyze([Media(10), Mark(11, "g0r1s0"), Media(500), Mark(501, "g0r1end")]);

        Assert.Equal(2, cut.Replies);
        Assert.Equal(0, cut.Underruns);
        Assert.Equal(1, gap.Replies);
        Assert.Equal(1, gap.Underruns);
    }

    private static ArrivedFrame Arrived(string kind, double ms) => new(kind, TimeSpan.FromMilliseconds(ms));
}
