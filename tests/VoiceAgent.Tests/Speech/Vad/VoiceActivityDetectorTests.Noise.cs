using VoiceAgent.Speech.Vad;
using VoiceAgent.Tests.TestSupport;
using VoiceAgent.Tests.TestSupport.Audio;

namespace VoiceAgent.Tests.Speech.Vad;

public partial class VoiceActivityDetectorTests
{
    [Theory]
    [InlineData(8000, "white")]
    [InlineData(16000, "white")]
    [InlineData(8000, "pink")]
    [InlineData(16000, "pink")]
    public async Task SteadyNoiseAtMinusThirtyDbfsIsNotSpeech(int rate, string noiseKind)
    {
        short[] noise = noiseKind == "white"
            ? await TestAudio.WhiteNoiseAsync(rate, 6000, -30).DefaultTimeout()
            : await TestAudio.PinkNoiseAsync(rate, 6000, -30).DefaultTimeout();

        (List<VadEvent> events, _) = VadHarness.Run(noise, rate);

        Assert.True(events.Count == 0, VadHarness.Describe(events));
    }

    [Theory]
    [InlineData(8000, 50)]
    [InlineData(8000, 60)]
    [InlineData(16000, 50)]
    [InlineData(16000, 60)]
    public async Task MainsHumIsNotSpeech(int rate, int mainsHz)
    {
        short[] hum = await TestAudio.HumAsync(rate, 6000, -15, mainsHz).DefaultTimeout();
        short[] line = AudioEdit.Mix(hum, await TestAudio.WhiteNoiseAsync(rate, 6000, -60).DefaultTimeout());

        (List<VadEvent> events, _) = VadHarness.Run(line, rate);

        Assert.True(events.Count == 0, VadHarness.Describe(events));
    }

    [Theory]
    [InlineData(8000, "white")]
    [InlineData(8000, "pink")]
    [InlineData(8000, "hum")]
    [InlineData(16000, "white")]
    [InlineData(16000, "pink")]
    [InlineData(16000, "hum")]
    public async Task NoiseSwitchingOnMidCallIsNotSpeech(int rate, string noiseKind)
    {
        short[] noise = noiseKind switch
        {
            "white" => await TestAudio.WhiteNoiseAsync(rate, 5000, -30).DefaultTimeout(),
            "pink" => await TestAudio.PinkNoiseAsync(rate, 5000, -30).DefaultTimeout(),
            _ => await TestAudio.HumAsync(rate, 5000, -15, 50).DefaultTimeout(),
        };
        short[] call = AudioEdit.Mix(
            AudioEdit.Concat(AudioEdit.Silence(rate, 1000), noise),
            await TestAudio.WhiteNoiseAsync(rate, 6000, -65).DefaultTimeout());

        (List<VadEvent> events, _) = VadHarness.Run(call, rate);

        Assert.True(events.Count == 0, VadHarness.Describe(events));
    }

    [Theory]
    [InlineData(8000, -30)]
    [InlineData(8000, -10)]
    [InlineData(16000, -30)]
    [InlineData(16000, -10)]
    public async Task NoiseBurstOfOneHundredMillisecondsIsNotSpeech(int rate, double burstDbfs)
    {
        short[] burst = await TestAudio.NoiseBurstAsync(rate, 100, burstDbfs).DefaultTimeout();
        short[] line = await TestAudio.WhiteNoiseAsync(rate, 3000, -60).DefaultTimeout();
        short[] call = AudioEdit.Overlay(line, burst, rate, 1500);

        (List<VadEvent> events, _) = VadHarness.Run(call, rate);

        Assert.True(events.Count == 0, VadHarness.Describe(events));
    }

    [Theory]
    [InlineData(8000)]
    [InlineData(16000)]
    public async Task HalfSecondDtmfToneIsNotSpeech(int rate)
    {
        // Digit 5: 770 Hz + 1336 Hz, held for 500 ms.
        short[] tone = AudioEdit.Mix(AudioEdit.Sine(rate, 500, 770, 4000), AudioEdit.Sine(rate, 500, 1336, 5000));
        short[] line = await TestAudio.WhiteNoiseAsync(rate, 3000, -60).DefaultTimeout();
        short[] call = AudioEdit.Overlay(line, tone, rate, 1000);

        (List<VadEvent> events, _) = VadHarness.Run(call, rate);

        Assert.True(events.Count == 0, VadHarness.Describe(events));
    }
}
