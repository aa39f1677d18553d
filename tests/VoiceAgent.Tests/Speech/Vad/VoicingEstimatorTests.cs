using VoiceAgent.Speech.Vad;

namespace VoiceAgent.Tests.Speech.Vad;

public class VoicingEstimatorTests
{
    [Theory]
    [InlineData(100)]
    [InlineData(160)]
    [InlineData(250)]
    public void GlottalPulseTrainIsStronglyPeriodic(double pitchHz)
    {
        var estimator = new VoicingEstimator(160);
        float voicing = 0;
        int period = (int)Math.Round(8000 / pitchHz);
        for (int frame = 0; frame < 3; frame++)
        {
            estimator.Advance();
            Span<float> samples = estimator.Frame;
            for (int i = 0; i < samples.Length; i++)
            {
                // A decaying resonance (a formant) re-excited every pitch period.
                int t = ((frame * 160) + i) % period;
                samples[i] = 8000f * MathF.Exp(-t / 12f) * MathF.Sin(2 * MathF.PI * 700 * t / 8000f);
            }

            voicing = estimator.Measure();
        }

        Assert.True(voicing > 0.9f, $"voicing {voicing}");
    }

    [Fact]
    public void WhiteNoiseIsNotPeriodic()
    {
        var estimator = new VoicingEstimator(160);
        var random = new Random(7);
        float worst = 0;
        for (int frame = 0; frame < 50; frame++)
        {
            estimator.Advance();
            Span<float> samples = estimator.Frame;
            for (int i = 0; i < samples.Length; i++)
            {
                samples[i] = (float)((random.NextDouble() - 0.5) * 6000);
            }

            worst = MathF.Max(worst, estimator.Measure());
        }

        Assert.True(worst < 0.35f, $"worst voicing {worst}");
    }

    [Fact]
    public void SilenceScoresZero()
    {
        var estimator = new VoicingEstimator(160);
        estimator.Advance();

        Assert.Equal(0f, estimator.Measure());
    }
}
