namespace VoiceAgent.Emulators.Deepgram;

/// <summary>
/// G.711 μ-law to 16-bit linear PCM. The 256-entry table is computed once from the G.711 expansion rule:
/// invert the byte, then sample = ((mantissa · 8 + 132) · 2^exponent) − 132, negated when the sign bit is set.
/// </summary>
internal static class MuLawDecoder
{
    private const int Bias = 0x84;

    private static readonly short[] s_table = BuildTable();

    public static short Decode(byte code) => s_table[code];

    /// <summary>Decodes <paramref name="source"/> into the first <c>source.Length</c> samples of <paramref name="destination"/>.</summary>
    public static void Decode(ReadOnlySpan<byte> source, Span<short> destination)
    {
        for (var i = 0; i < source.Length; i++) destination[i] = s_table[source[i]];
    }

    private static short[] BuildTable()
    {
        var table = new short[256];
        for (var code = 0; code < 256; code++)
        {
            var inverted = ~code & 0xFF;
            var exponent = (inverted >> 4) & 0x07;
            var mantissa = inverted & 0x0F;
            var magnitude = (((mantissa << 3) + Bias) << exponent) - Bias;
            table[code] = (short)((inverted & 0x80) != 0 ? -magnitude : magnitude);
        }
        return table;
    }
}
