using VoiceAgent.Emulators.Audio;
using VoiceAgent.Tests.EmulatorsTests.TestServer;

namespace VoiceAgent.Tests.EmulatorsTests.Audio;

public class PcmResamplerTests
{
    [Theory]
    [InlineData(16000, 8000)]
    [InlineData(22050, 8000)]
    [InlineData(8000, 16000)]
    [InlineData(44100, 16000)]
    public void A_tone_in_the_passband_keeps_its_level_and_length(int from, int to)
    {
        var tone = TestSignals.Sine(440, from, TimeSpan.FromSeconds(1), 10000);
        var converted = PcmResampler.Resample(tone, from, to);

        Assert.Equal(to, converted.Length);
        var middle = converted.AsSpan(to / 10, to * 8 / 10); // away from the edges
        Assert.InRange(TestSignals.Rms(middle) / TestSignals.Rms(tone), 0.97, 1.03);
    }

    [Fact]
    public void A_tone_above_the_new_nyquist_is_filtered_out_instead_of_aliasing()
    {
        var tone = TestSignals.Sine(6000, 16000, TimeSpan.FromSeconds(1), 10000); // would alias to 2 kHz at 8 kHz
        var converted = PcmResampler.Resample(tone, 16000, 8000);

        Assert.True(TestSignals.Rms(converted.AsSpan(800, 6400)) < 100, "6 kHz must be removed before decimating to 8 kHz");
    }

    [Fact]
    public void Equal_rates_copy_the_samples()
    {
        short[] samples = [1, -2, 3];
        Assert.Equal(samples, PcmResampler.Resample(samples, 8000, 8000));
    }
}
