using VoiceAgent.Speech.Pipeline;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.Speech.Pipeline;

public sealed class PlaybackTrackerTests
{
    private static readonly int[] Every100Ms = Enumerable.Range(0, 64).Select(i => i * 100).ToArray();

    [Fact]
    public void Chunks_whose_marks_came_back_were_heard()
    {
        var clock = new ManualTimeProvider();
        var tracker = new PlaybackTracker(clock);
        tracker.BeginReply();
        tracker.Queued("m1", "Our hours ", Every100Ms, endOfReply: false);
        tracker.Queued("m2", "are nine to five.", Every100Ms, endOfReply: false);

        tracker.MarkPlayed("m1");

        Assert.Equal("Our hours ", tracker.HeardText());
    }

    [Fact]
    public void The_playing_chunk_counts_up_to_the_last_whole_word_whose_time_has_passed()
    {
        var clock = new ManualTimeProvider();
        var tracker = new PlaybackTracker(clock);
        tracker.BeginReply();
        tracker.Queued("m1", "Our hours are nine to five.", Every100Ms, endOfReply: false);

        clock.Advance(TimeSpan.FromMilliseconds(1150)); // 12 characters started: "Our hours ar"

        Assert.Equal("Our hours ", tracker.HeardText());
    }

    [Fact]
    public void Marks_echoed_after_a_clear_do_not_count_as_heard()
    {
        var clock = new ManualTimeProvider();
        var tracker = new PlaybackTracker(clock);
        tracker.BeginReply();
        tracker.Queued("m1", "First part. ", Every100Ms, endOfReply: false);
        tracker.Queued("m2", "Second part.", Every100Ms, endOfReply: false);
        tracker.MarkPlayed("m1");

        tracker.Cleared();
        tracker.MarkPlayed("m2"); // the carrier flushes every outstanding mark on clear

        Assert.Equal("First part. ", tracker.HeardText());
        Assert.False(tracker.HasUnplayedAudio);
    }

    [Fact]
    public void The_final_mark_records_when_the_reply_finished_playing()
    {
        var clock = new ManualTimeProvider();
        var tracker = new PlaybackTracker(clock);
        tracker.BeginReply();
        tracker.Queued("m1", "Hi.", Every100Ms, endOfReply: false);
        tracker.Queued("end", "", [], endOfReply: true);

        Assert.False(tracker.MarkPlayed("m1"));
        Assert.True(tracker.MarkPlayed("end"));
        Assert.Equal(clock.GetTimestamp(), tracker.ReplyPlayedAt);
        Assert.False(tracker.HasUnplayedAudio);
    }

    [Fact]
    public void The_reply_text_is_everything_synthesised_so_far_heard_or_queued()
    {
        var tracker = new PlaybackTracker(new ManualTimeProvider());
        tracker.BeginReply();
        tracker.Queued("m1", "Our hours ", Every100Ms, endOfReply: false);
        tracker.Queued("m2", "are nine to five.", Every100Ms, endOfReply: false);
        tracker.MarkPlayed("m1");

        Assert.Equal("Our hours are nine to five.", tracker.ReplyText());
    }
}
