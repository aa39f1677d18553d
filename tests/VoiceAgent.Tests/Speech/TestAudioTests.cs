using VoiceAgent.Speech.Audio;
using VoiceAgent.Tests.TestSupport;
using VoiceAgent.Tests.TestSupport.Audio;

namespace VoiceAgent.Tests.Speech;

/// <summary>The generated test audio is what the speech tests assume it is.</summary>
public class TestAudioTests
{
    private const string Sentence = "The quick brown fox jumps over the lazy dog.";

    [Fact]
    public async Task EspeakWavIsReadAsPcm16WithItsSampleRate()
    {
        string wav = await TestAudio.SpeechWavAsync(Sentence).DefaultTimeout();

        (int sampleRate, short[] samples) = WaveFile.ReadPcm16(wav);

        Assert.Equal(22050, sampleRate);
        Assert.InRange(samples.Length / (double)sampleRate, 1.5, 5);
        Assert.InRange(AudioEdit.RmsDbfs(samples), -35, -10);
    }

    [Fact]
    public async Task TwilioAndVonageRenderingsOfASentenceLastEquallyLong()
    {
        byte[] muLaw = await TestAudio.SpeechMuLaw8kAsync(Sentence).DefaultTimeout();
        byte[] pcm16k = await TestAudio.SpeechPcm16kAsync(Sentence).DefaultTimeout();

        // Two bytes per sample at twice the rate; sox may round each length differently by a sample.
        Assert.InRange(pcm16k.Length, (muLaw.Length * 4) - 4, (muLaw.Length * 4) + 4);
        Assert.NotEqual(0xFF, muLaw[muLaw.Length / 2]);
    }

    [Theory]
    [InlineData(-30)]
    [InlineData(-45)]
    public async Task NoiseIsGeneratedAtTheRequestedLevel(double levelDbfs)
    {
        short[] white = await TestAudio.WhiteNoiseAsync(8000, 1000, levelDbfs).DefaultTimeout();
        short[] pink = await TestAudio.PinkNoiseAsync(16000, 1000, levelDbfs).DefaultTimeout();

        Assert.Equal(8000, white.Length);
        Assert.Equal(16000, pink.Length);
        Assert.Equal(levelDbfs, AudioEdit.RmsDbfs(white), 1);
        Assert.Equal(levelDbfs, AudioEdit.RmsDbfs(pink), 1);
    }

    [Fact]
    public async Task MixingAtAnSnrSetsTheSpeechLevelAboveTheNoise()
    {
        short[] speech = await TestAudio.SpeechAsync(Sentence, 8000).DefaultTimeout();
        short[] noise = await TestAudio.WhiteNoiseAsync(8000, 5000, -40).DefaultTimeout();

        short[] mixed = AudioEdit.MixAtSnr(speech, noise, 10);
        short[] speechPart = AudioEdit.Gain(mixed, 0);
        for (int i = 0; i < noise.Length; i++)
        {
            speechPart[i] -= noise[i];
        }

        Assert.Equal(noise.Length, mixed.Length);
        Assert.Equal(-30, AudioEdit.RmsDbfs(speechPart.AsSpan(0, speech.Length)), 1);
    }

    [Fact]
    public async Task HumIsMostlyAtTheMainsFrequency()
    {
        short[] hum = await TestAudio.HumAsync(8000, 1000, -20, 60).DefaultTimeout();

        Assert.Equal(60, ToneAnalysis.DominantFrequency(hum, 8000, 40, 1000));
        Assert.Equal(-20, AudioEdit.RmsDbfs(hum), 1);
    }

    [Fact]
    public async Task TelephoneBandFilterRemovesMainsHum()
    {
        short[] hum = await TestAudio.HumAsync(8000, 1000, -20, 50).DefaultTimeout();

        short[] filtered = await TestAudio.TelephoneBandAsync(hum, 8000).DefaultTimeout();

        Assert.True(AudioEdit.RmsDbfs(filtered) < -40, $"{AudioEdit.RmsDbfs(filtered):F1} dBFS left");
    }

    [Fact]
    public void DelayPrependsExactlyTheRequestedSilence()
    {
        short[] tone = AudioEdit.Sine(8000, 100, 1000, 1000);

        short[] delayed = AudioEdit.Delay(tone, 8000, 120);

        Assert.Equal(960 + tone.Length, delayed.Length);
        Assert.All(delayed.Take(960), s => Assert.Equal(0, s));
        Assert.Equal(tone, delayed.Skip(960));
    }

    [Fact]
    public void MuLawSilenceDecodesToZero()
    {
        byte[] silence = TestAudio.SilenceMuLaw8k(20);

        Assert.Equal(160, silence.Length);
        Assert.All(silence, b => Assert.Equal(0, MuLaw.Decode(b)));
    }
}
