using VoiceAgent.Emulators.Audio;
using VoiceAgent.Tests.EmulatorsTests.TestServer;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.EmulatorsTests.Audio;

public class WavReaderTests
{
    [Fact]
    public void Reads_16_bit_pcm_at_16_kHz_and_converts_to_mulaw_8k()
    {
        var tone = TestSignals.Sine(1000, 16000, TimeSpan.FromMilliseconds(500), 8000);
        var wav = WavReader.Read(TestSignals.Wav(Pcm16.ToBytes(tone), 1, 1, 16000, 16));

        Assert.Equal(16000, wav.SampleRate);
        Assert.Equal(tone, wav.Samples.ToArray());
        var mulaw = wav.ToMuLaw8k();
        Assert.Equal(4000, mulaw.Length);
        Assert.InRange(TestSignals.MuLawRms(mulaw.AsSpan(400, 3200)) / TestSignals.Rms(tone), 0.95, 1.05);
    }

    [Fact]
    public void A_mulaw_8k_file_converts_back_to_the_same_bytes()
    {
        var mulaw = MuLawCodec.Encode(TestSignals.Sine(700, 8000, TimeSpan.FromMilliseconds(300), 12000));
        mulaw.AsSpan().Replace((byte)0x7F, MuLawCodec.Silence); // −0 would come back as +0
        var wav = WavReader.Read(TestSignals.Wav(mulaw, 7, 1, 8000, 8));

        Assert.Equal(mulaw, wav.ToMuLaw8k());
    }

    [Fact]
    public void Stereo_is_averaged_to_mono()
    {
        short[] interleaved = [1000, 3000, -2000, -4000];
        var wav = WavReader.Read(TestSignals.Wav(Pcm16.ToBytes(interleaved), 1, 2, 8000, 16));

        Assert.Equal([2000, -3000], wav.Samples.ToArray());
    }

    [Fact]
    public void Unsupported_formats_are_refused_with_a_sox_hint()
    {
        var adpcm = TestSignals.Wav(new byte[64], 2, 1, 8000, 4);

        var error = Assert.Throws<NotSupportedException>(() => WavReader.Read(adpcm, "speech.wav"));
        Assert.Contains("sox", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Non_wav_data_is_rejected()
        => Assert.Throws<InvalidDataException>(() => WavReader.Read("not a wav file at all"u8));

    [Fact]
    public async Task Reads_espeak_speech_and_converts_it_for_both_lines()
    {
        var path = await TestSignals.SpeakAsync("Hello, I would like to check my balance.", CancellationToken.None).DefaultTimeout();
        try
        {
            var wav = await WavReader.ReadAsync(path, CancellationToken.None).DefaultTimeout();

            Assert.Equal(22050, wav.SampleRate);
            Assert.InRange(wav.Duration.TotalSeconds, 1.0, 5.0);
            var mulaw = wav.ToMuLaw8k();
            Assert.InRange(mulaw.Length, (int)(wav.Duration.TotalSeconds * 8000) - 2, (int)(wav.Duration.TotalSeconds * 8000) + 2);
            Assert.True(TestSignals.MuLawRms(mulaw) > 300, "speech must be audible after conversion");
            var pcm = wav.ToPcm16(16000);
            Assert.InRange(pcm.Length / 2, (int)(wav.Duration.TotalSeconds * 16000) - 2, (int)(wav.Duration.TotalSeconds * 16000) + 2);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
