using VoiceAgent.Speech.Vad;

namespace VoiceAgent.Tests.Speech.Vad;

public class LevelRunTests
{
    [Fact]
    public void SpreadIsThePopulationStandardDeviationOfTheLastValues()
    {
        var run = new LevelRun(4);
        foreach (float v in new[] { 100f, 100f, 1f, 3f, 1f, 3f })
        {
            run.Add(v);
        }

        Assert.True(run.IsFull);
        Assert.Equal(1f, run.StandardDeviation(), 5);
    }

    [Fact]
    public void ClearingEmptiesTheRun()
    {
        var run = new LevelRun(3);
        run.Add(1f);
        run.Add(9f);
        run.Add(4f);

        run.Clear();
        run.Add(5f);

        Assert.False(run.IsFull);
        Assert.Equal(0f, run.StandardDeviation());
    }
}
