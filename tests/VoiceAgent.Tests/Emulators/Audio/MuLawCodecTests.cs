using VoiceAgent.Emulators.Audio;

namespace VoiceAgent.Tests.EmulatorsTests.Audio;

public class MuLawCodecTests
{
    [Theory]
    [InlineData((short)0, (byte)0xFF)]
    [InlineData((short)-1, (byte)0x7F)]
    [InlineData((short)32767, (byte)0x80)]
    [InlineData((short)-32768, (byte)0x00)]
    [InlineData((short)1000, (byte)0xCE)]
    [InlineData((short)-1000, (byte)0x4E)]
    public void Encodes_reference_values(short sample, byte expected) => Assert.Equal(expected, MuLawCodec.Encode(sample));

    [Theory]
    [InlineData((byte)0xFF, (short)0)]
    [InlineData((byte)0x7F, (short)0)]
    [InlineData((byte)0x80, (short)32124)]
    [InlineData((byte)0x00, (short)-32124)]
    [InlineData((byte)0xCE, (short)988)]
    public void Decodes_reference_values(byte code, short expected) => Assert.Equal(expected, MuLawCodec.Decode(code));

    [Fact]
    public void Every_code_except_negative_zero_survives_a_round_trip()
    {
        for (var code = 0; code < 256; code++)
        {
            if (code == 0x7F) continue; // −0 decodes to 0, which encodes as +0 (0xFF)
            Assert.Equal((byte)code, MuLawCodec.Encode(MuLawCodec.Decode((byte)code)));
        }
    }

    [Fact]
    public void Quantisation_error_stays_within_half_a_step()
    {
        for (int sample = -32000; sample <= 32000; sample += 7)
        {
            var decoded = MuLawCodec.Decode(MuLawCodec.Encode((short)sample));
            // Steps double per segment: 8 near zero up to 1024 in the top segment; error ≤ half a step.
            var step = Math.Max(8, (Math.Abs(sample) + 132) >> 4);
            Assert.InRange(Math.Abs(decoded - sample), 0, step);
        }
    }
}
