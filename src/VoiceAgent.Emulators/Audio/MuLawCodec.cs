using System.Numerics;

namespace VoiceAgent.Emulators.Audio;

/// <summary>
/// ITU-T G.711 μ-law, the codec of Twilio Media Streams (8 kHz, one byte per sample). Encoding adds the
/// 0x84 bias to the clipped magnitude, takes the segment from the highest set bit and keeps four mantissa
/// bits; the byte is stored inverted. Decoding is the exact inverse of that rule (0xFF and 0x7F decode to 0).
/// </summary>
public static class MuLawCodec
{
    /// <summary>The μ-law byte for silence (linear 0).</summary>
    public const byte Silence = 0xFF;

    private const int Bias = 0x84;
    private const int Clip = 32635;

    // Immutable after type initialisation: 256 decoded values, one per code.
    private static readonly short[] s_decodeTable = BuildDecodeTable();

    /// <summary>Encodes one 16-bit linear sample.</summary>
    public static byte Encode(short sample)
    {
        int value = sample;
        var sign = 0;
        if (value < 0)
        {
            sign = 0x80;
            value = -value;
        }
        if (value > Clip) value = Clip;
        value += Bias; // now in [0x84, 0x7FFF]: the highest set bit is bit 7..14
        var exponent = 31 - BitOperations.LeadingZeroCount((uint)value) - 7;
        var mantissa = (value >> (exponent + 3)) & 0x0F;
        return (byte)~(sign | (exponent << 4) | mantissa);
    }

    /// <summary>Decodes one μ-law byte to a 16-bit linear sample.</summary>
    public static short Decode(byte code) => s_decodeTable[code];

    /// <summary>Encodes <paramref name="samples"/> into the first <c>samples.Length</c> bytes of <paramref name="destination"/>.</summary>
    public static void Encode(ReadOnlySpan<short> samples, Span<byte> destination)
    {
        if (destination.Length < samples.Length) throw new ArgumentException("Destination is shorter than the source.", nameof(destination));
        for (var i = 0; i < samples.Length; i++) destination[i] = Encode(samples[i]);
    }

    /// <summary>Decodes <paramref name="codes"/> into the first <c>codes.Length</c> samples of <paramref name="destination"/>.</summary>
    public static void Decode(ReadOnlySpan<byte> codes, Span<short> destination)
    {
        if (destination.Length < codes.Length) throw new ArgumentException("Destination is shorter than the source.", nameof(destination));
        for (var i = 0; i < codes.Length; i++) destination[i] = s_decodeTable[codes[i]];
    }

    /// <summary>Encodes a whole buffer.</summary>
    public static byte[] Encode(ReadOnlySpan<short> samples)
    {
        var codes = new byte[samples.Length];
        Encode(samples, codes);
        return codes;
    }

    /// <summary>Decodes a whole buffer.</summary>
    public static short[] Decode(ReadOnlySpan<byte> codes)
    {
        var samples = new short[codes.Length];
        Decode(codes, samples);
        return samples;
    }

    private static short[] BuildDecodeTable()
    {
        var table = new short[256];
        for (var code = 0; code < 256; code++)
        {
            var stored = ~code & 0xFF;
            var exponent = (stored >> 4) & 0x07;
            var mantissa = stored & 0x0F;
            var magnitude = (((mantissa << 3) + Bias) << exponent) - Bias;
            table[code] = (short)((stored & 0x80) != 0 ? -magnitude : magnitude);
        }
        return table;
    }
}
