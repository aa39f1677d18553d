using System.Numerics;

namespace VoiceAgent.Speech.Audio;

/// <summary>
/// ITU-T G.711 μ-law codec (the Twilio Media Streams payload format). Encoding uses the standard
/// bias of 0x84 and clip at 32635; decoding is one lookup in a 256-entry table.
/// </summary>
internal static class MuLaw
{
    /// <summary>The μ-law byte for digital silence (0x7F decodes to 0 as well).</summary>
    public const byte Silence = 0xFF;

    private const int Bias = 0x84;
    private const int Clip = 32635;

    private static readonly short[] DecodeTable = BuildDecodeTable();

    /// <summary>Encodes one linear PCM16 sample.</summary>
    public static byte Encode(short sample)
    {
        int pcm = sample;
        int sign = (pcm >> 8) & 0x80;
        if (sign != 0)
        {
            pcm = -pcm;
        }

        if (pcm > Clip)
        {
            pcm = Clip;
        }

        pcm += Bias;

        // The biased magnitude lies in [132, 32767]; its top set bit (7..14) picks the segment.
        int exponent = 31 - BitOperations.LeadingZeroCount((uint)pcm) - 7;
        int mantissa = (pcm >> (exponent + 3)) & 0x0F;
        return (byte)~(sign | (exponent << 4) | mantissa);
    }

    /// <summary>Decodes one μ-law byte.</summary>
    public static short Decode(byte encoded) => DecodeTable[encoded];

    /// <summary>Encodes a whole frame; <paramref name="destination"/> must be at least as long as <paramref name="samples"/>.</summary>
    public static void Encode(ReadOnlySpan<short> samples, Span<byte> destination)
    {
        if (destination.Length < samples.Length)
        {
            throw new ArgumentException($"Destination holds {destination.Length} bytes but {samples.Length} samples need encoding.", nameof(destination));
        }

        for (int i = 0; i < samples.Length; i++)
        {
            destination[i] = Encode(samples[i]);
        }
    }

    /// <summary>Decodes a whole frame; <paramref name="destination"/> must be at least as long as <paramref name="encoded"/>.</summary>
    public static void Decode(ReadOnlySpan<byte> encoded, Span<short> destination)
    {
        if (destination.Length < encoded.Length)
        {
            throw new ArgumentException($"Destination holds {destination.Length} samples but {encoded.Length} bytes need decoding.", nameof(destination));
        }

        ReadOnlySpan<short> table = DecodeTable;
        for (int i = 0; i < encoded.Length; i++)
        {
            destination[i] = table[encoded[i]];
        }
    }

    private static short[] BuildDecodeTable()
    {
        var table = new short[256];
        for (int i = 0; i < table.Length; i++)
        {
            int u = ~i & 0xFF;
            int exponent = (u >> 4) & 0x07;
            int mantissa = u & 0x0F;
            int magnitude = (((mantissa << 3) + Bias) << exponent) - Bias;
            table[i] = (short)((u & 0x80) != 0 ? -magnitude : magnitude);
        }

        return table;
    }
}
