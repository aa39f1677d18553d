using VoiceAgent.Emulators.ElevenLabs;

namespace VoiceAgent.Tests.Providers.ElevenLabs;

/// <summary>The emulator's G.711 encoder and speech-like synthesizer.</summary>
public sealed class EmulatedAudioTests
{
    [Theory]
    [InlineData(0, 0xFF)]
    [InlineData(-1, 0x7F)]
    [InlineData(32767, 0x80)]
    [InlineData(-32768, 0x00)]
    [InlineData(1000, 0xCE)]
    [InlineData(-1000, 0x4E)]
    public void MuLawEncoderMatchesG711ReferenceCodes(short pcm, int expected)
        => Assert.Equal((byte)expected, MuLawEncoder.Encode(pcm));

    [Fact]
    public void MuLawRoundTripStaysWithinTheQuantisationStep()
    {
        for (var pcm = -32000; pcm <= 32000; pcm += 37)
        {
            var decoded = MuLawDecoder.Decode(MuLawEncoder.Encode((short)pcm));
            Assert.True(Math.Abs(decoded - pcm) <= Math.Max(8, Math.Abs(pcm) / 16), $"{pcm} -> {decoded}");
        }
    }

    [Fact]
    public void SynthesizerIsDeterministic()
    {
        var a = Render("Hello, world. 42", 8000);
        var b = Render("Hello, world. 42", 8000);

        Assert.Equal(a, b);
    }

    [Fact]
    public void LettersAreVoicedWithA120To220HzPitchAndSpacesAreQuiet()
    {
        const int rate = 16000;
        var text = "aaaa mmmm, oooo";
        var samples = Render(text, rate);
        var perChar = rate * 65 / 1000;

        for (var i = 0; i < text.Length; i++)
        {
            var rms = ElevenLabsAudioTests.Rms(samples.AsSpan(i * perChar, perChar));
            if (char.IsLetter(text[i])) Assert.True(rms > 1000, $"'{text[i]}' rms {rms:F0}");
            else Assert.True(rms < 60, $"'{text[i]}' rms {rms:F0}");
        }

        // Pitch of a held vowel by autocorrelation over 4.5–8.3 ms lags (220–120 Hz).
        var vowel = samples.AsSpan(11 * perChar, 4 * perChar);
        var bestLag = 0;
        var best = double.MinValue;
        for (var lag = rate / 220; lag <= rate / 120; lag++)
        {
            var sum = 0.0;
            for (var n = 0; n + lag < vowel.Length; n++) sum += (double)vowel[n] * vowel[n + lag];
            if (sum > best) (best, bestLag) = (sum, lag);
        }

        Assert.InRange(rate / (double)bestLag, 120, 220);
    }

    private static short[] Render(string text, int rate)
    {
        var synthesizer = new SpeechLikeSynthesizer(rate);
        var samples = new short[text.Length * synthesizer.SamplesPerCharacter];
        synthesizer.Render(text, 0, text.Length, samples);
        return samples;
    }
}
