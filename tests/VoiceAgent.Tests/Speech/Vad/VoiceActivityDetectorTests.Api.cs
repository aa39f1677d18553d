using VoiceAgent.Speech.Audio;
using VoiceAgent.Speech.Vad;
using VoiceAgent.Tests.TestSupport;
using VoiceAgent.Tests.TestSupport.Audio;

namespace VoiceAgent.Tests.Speech.Vad;

public partial class VoiceActivityDetectorTests
{
    [Theory]
    [InlineData(8000, 159)]
    [InlineData(8000, 320)]
    [InlineData(16000, 160)]
    public void FramesOtherThanTwentyMillisecondsAreRefused(int rate, int samples)
    {
        var detector = new VoiceActivityDetector(new VadOptions(), rate);

        Assert.Throws<ArgumentException>(() => detector.Process(new short[samples]));
        Assert.Throws<ArgumentException>(() => detector.ObservePlayback(new short[samples]));
    }

    [Theory]
    [InlineData(11025)]
    [InlineData(24000)]
    public void UnsupportedSampleRatesAreRefused(int rate)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new VoiceActivityDetector(new VadOptions(), rate));
    }

    [Fact]
    public void PositionAdvancesTwentyMillisecondsPerFrame()
    {
        var detector = new VoiceActivityDetector(new VadOptions(), 16000);

        for (int i = 0; i < 7; i++)
        {
            detector.Process(new short[320]);
        }

        Assert.Equal(TimeSpan.FromMilliseconds(140), detector.Position);
    }
}
