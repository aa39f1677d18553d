using VoiceAgent.Speech.Vad;

namespace VoiceAgent.Tests.Speech.Vad;

public class NoiseFloorTrackerTests
{
    [Fact]
    public void StartsAtTheFirstFrame()
    {
        var tracker = new NoiseFloorTracker(new VadOptions(), 20);

        tracker.Update(-47f, explainedByEcho: false);

        Assert.Equal(-47f, tracker.FloorDbfs);
    }

    [Fact]
    public void FollowsAQuieterLineDownWithinAFewHundredMilliseconds()
    {
        var tracker = new NoiseFloorTracker(new VadOptions(), 20);
        tracker.Update(-30f, explainedByEcho: false);

        Run(tracker, -60f, frames: 20);

        Assert.InRange(tracker.FloorDbfs, -60f, -59f);
    }

    [Fact]
    public void RisesQuicklyUnderSteadyNoise()
    {
        var tracker = new NoiseFloorTracker(new VadOptions(), 20);
        tracker.Update(-80f, explainedByEcho: false);

        Run(tracker, -40f, frames: 75);

        Assert.True(tracker.IsStationary);
        Assert.InRange(tracker.FloorDbfs, -44f, -40f);
    }

    [Fact]
    public void RisesOnlySlowlyUnderFluctuatingSound()
    {
        var tracker = new NoiseFloorTracker(new VadOptions(), 20);
        tracker.Update(-80f, explainedByEcho: false);

        for (int f = 0; f < 75; f++)
        {
            tracker.Update(f % 4 < 2 ? -30f : -42f, explainedByEcho: false);
        }

        Assert.False(tracker.IsStationary);
        Assert.True(tracker.FloorDbfs < -70f, $"floor {tracker.FloorDbfs}");
    }

    [Fact]
    public void FluctuatingSoundExplainedByEchoDoesNotLiftTheFloor()
    {
        var tracker = new NoiseFloorTracker(new VadOptions(), 20);
        tracker.Update(-70f, explainedByEcho: false);

        for (int f = 0; f < 250; f++)
        {
            tracker.Update(f % 4 < 2 ? -30f : -42f, explainedByEcho: true);
        }

        Assert.Equal(-70f, tracker.FloorDbfs);
    }

    [Fact]
    public void SteadyNoiseLiftsTheFloorEvenDuringPlayback()
    {
        var tracker = new NoiseFloorTracker(new VadOptions(), 20);
        tracker.Update(-70f, explainedByEcho: false);

        for (int f = 0; f < 75; f++)
        {
            tracker.Update(-40f, explainedByEcho: true);
        }

        Assert.InRange(tracker.FloorDbfs, -44f, -40f);
    }

    [Fact]
    public void NeverDropsBelowTheMinimumOnDigitalSilence()
    {
        var tracker = new NoiseFloorTracker(new VadOptions(), 20);

        Run(tracker, -120f, frames: 100);

        Assert.Equal(NoiseFloorTracker.MinFloorDbfs, tracker.FloorDbfs);
    }

    private static void Run(NoiseFloorTracker tracker, float level, int frames)
    {
        for (int f = 0; f < frames; f++)
        {
            tracker.Update(level, explainedByEcho: false);
        }
    }
}
