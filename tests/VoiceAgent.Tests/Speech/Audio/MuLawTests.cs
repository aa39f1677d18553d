using VoiceAgent.Speech.Audio;
using VoiceAgent.Tests.TestSupport;
using VoiceAgent.Tests.TestSupport.Audio;

namespace VoiceAgent.Tests.Speech.Audio;

public class MuLawTests
{
    [Theory]
    [InlineData(0xFF, 0)]
    [InlineData(0x7F, 0)]
    [InlineData(0x00, -32124)]
    [InlineData(0x80, 32124)]
    [InlineData(0xFE, 8)]
    [InlineData(0x7E, -8)]
    [InlineData(0xF0, 120)]
    [InlineData(0x70, -120)]
    public void DecodeGivesTheG711Value(int encoded, int expected)
    {
        Assert.Equal(expected, MuLaw.Decode((byte)encoded));
    }

    [Theory]
    [InlineData(0, 0xFF)]
    [InlineData(-1, 0x7F)]
    [InlineData(32767, 0x80)]
    [InlineData(-32768, 0x00)]
    [InlineData(32124, 0x80)]
    [InlineData(-32124, 0x00)]
    [InlineData(8, 0xFE)]
    public void EncodeGivesTheG711Byte(int sample, int expected)
    {
        Assert.Equal((byte)expected, MuLaw.Encode((short)sample));
    }

    [Fact]
    public void EncodingADecodedByteGivesTheSameByteExceptNegativeZero()
    {
        for (int b = 0; b < 256; b++)
        {
            byte expected = b == 0x7F ? (byte)0xFF : (byte)b;
            Assert.Equal(expected, MuLaw.Encode(MuLaw.Decode((byte)b)));
        }
    }

    [Fact]
    public void RoundTripStaysWithinHalfAQuantisationStepForEverySample()
    {
        for (int x = short.MinValue; x <= short.MaxValue; x++)
        {
            int error = Math.Abs(MuLaw.Decode(MuLaw.Encode((short)x)) - x);
            int magnitude = Math.Abs(x);

            // Segment e spans biased magnitudes [128·2^e, 256·2^e) in steps of 8·2^e; decoding returns the
            // step's middle, so the error is at most 4·2^e ≤ (|x| + 132) / 32. Above the clip level the
            // largest code (±32124) is returned.
            double bound = magnitude <= 32635 ? (magnitude + 132) / 32.0 : magnitude - 32124;
            Assert.True(error <= bound, $"x={x}: error {error} > {bound}");
        }
    }

    [Fact]
    public void RoundTripOfASpeechLevelSineHasAboutThirtyFiveDbSignalToQuantisationNoise()
    {
        short[] sine = AudioEdit.Sine(8000, 1000, 440, 10000);
        var encoded = new byte[sine.Length];
        var decoded = new short[sine.Length];
        MuLaw.Encode(sine, encoded);
        MuLaw.Decode(encoded, decoded);

        double signal = 0, noise = 0;
        for (int i = 0; i < sine.Length; i++)
        {
            signal += (double)sine[i] * sine[i];
            noise += (double)(decoded[i] - sine[i]) * (decoded[i] - sine[i]);
        }

        double sqnrDb = 10 * Math.Log10(signal / noise);
        Assert.InRange(sqnrDb, 33, 42);
    }

    [Fact]
    public void SpanOverloadsMatchTheScalarCodec()
    {
        short[] samples = AudioEdit.Sine(8000, 20, 1000, 20000);
        var encoded = new byte[samples.Length];
        var decoded = new short[samples.Length];

        MuLaw.Encode(samples, encoded);
        MuLaw.Decode(encoded, decoded);

        for (int i = 0; i < samples.Length; i++)
        {
            Assert.Equal(MuLaw.Encode(samples[i]), encoded[i]);
            Assert.Equal(MuLaw.Decode(encoded[i]), decoded[i]);
        }
    }

    [Fact]
    public void SpanOverloadsRejectAShortDestination()
    {
        Assert.Throws<ArgumentException>(() => MuLaw.Decode(new byte[160], new short[159]));
        Assert.Throws<ArgumentException>(() => MuLaw.Encode(new short[160], new byte[159]));
    }

    [Fact]
    public async Task DecodeOfSoxEncodedSpeechMatchesSoxLinearOutputWithinOneStep()
    {
        const string sentence = "Hello, I would like to check the status of my order please.";
        byte[] encoded = await TestAudio.SpeechMuLaw8kAsync(sentence).DefaultTimeout();
        short[] linear = await TestAudio.SpeechAsync(sentence, 8000).DefaultTimeout();
        Assert.Equal(linear.Length, encoded.Length);

        var decoded = new short[encoded.Length];
        MuLaw.Decode(encoded, decoded);
        for (int i = 0; i < decoded.Length; i++)
        {
            // sox encodes from its own higher-precision samples, so allow one full step (8·2^e ≤ (|x|+132)/16).
            double step = ((Math.Abs(linear[i]) + 132) / 16.0) + 1;
            Assert.True(Math.Abs(decoded[i] - linear[i]) <= step, $"sample {i}: decoded {decoded[i]}, sox linear {linear[i]}");
        }
    }
}
