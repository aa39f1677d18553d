using VoiceAgent.Speech.Vad;

namespace VoiceAgent.Tests.Speech.Vad;

public class PlaybackHistoryTests
{
    [Fact]
    public void FramesSentInRealTimeLandInTheCurrentSlot()
    {
        var history = new PlaybackHistory(lookBackFrames: 20, queueFrames: 100);

        history.Record(currentFrame: 10, -20f);
        history.Record(currentFrame: 11, -25f);

        Assert.Equal(-20f, history.LevelAt(10));
        Assert.Equal(-25f, history.LevelAt(11));
        Assert.Equal(PlaybackHistory.NothingPlayedDbfs, history.LevelAt(12));
    }

    [Fact]
    public void FramesSentInABurstQueueBehindEachOther()
    {
        var history = new PlaybackHistory(lookBackFrames: 20, queueFrames: 100);

        for (int i = 0; i < 5; i++)
        {
            history.Record(currentFrame: 3, -10f - i);
        }

        Assert.Equal(new[] { -10f, -11f, -12f, -13f, -14f }, Enumerable.Range(3, 5).Select(s => history.LevelAt(s)));
        Assert.Equal(8, history.QueueEnd);
    }

    [Fact]
    public void ClearingDropsWhatHadNotPlayedYet()
    {
        var history = new PlaybackHistory(lookBackFrames: 20, queueFrames: 100);
        for (int i = 0; i < 10; i++)
        {
            history.Record(currentFrame: 0, -15f);
        }

        history.ClearQueued(currentFrame: 4);
        history.Record(currentFrame: 6, -30f);

        Assert.Equal(-15f, history.LevelAt(3));
        Assert.Equal(PlaybackHistory.NothingPlayedDbfs, history.LevelAt(4));
        Assert.Equal(PlaybackHistory.NothingPlayedDbfs, history.LevelAt(9));
        Assert.Equal(-30f, history.LevelAt(6));
    }

    [Fact]
    public void MaxLevelIsTheLoudestInTheRange()
    {
        var history = new PlaybackHistory(lookBackFrames: 20, queueFrames: 100);
        float[] levels = [-40f, -12f, -30f, -50f];
        foreach (float level in levels)
        {
            history.Record(currentFrame: 0, level);
        }

        Assert.Equal(-12f, history.MaxLevel(0, 3));
        Assert.Equal(-30f, history.MaxLevel(2, 3));
        Assert.Equal(PlaybackHistory.NothingPlayedDbfs, history.MaxLevel(10, 12));
    }

    [Fact]
    public void OldSlotsReadAsNothingOnceTheRingHasMovedOn()
    {
        var history = new PlaybackHistory(lookBackFrames: 4, queueFrames: 4);
        history.Record(currentFrame: 0, -10f);

        for (long frame = 1; frame < 40; frame++)
        {
            history.Record(frame, -60f);
        }

        Assert.Equal(PlaybackHistory.NothingPlayedDbfs, history.LevelAt(0));
        Assert.Equal(-60f, history.LevelAt(39));
    }
}
