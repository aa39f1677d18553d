namespace VoiceAgent.Tests.Providers.ElevenLabs;

/// <summary>G.711 μ-law decoder, independent of the emulator's encoder, for checking its output.</summary>
internal static class MuLawDecoder
{
    public static short Decode(byte encoded)
    {
        var u = ~encoded & 0xFF;
        var sign = u & 0x80;
        var exponent = (u >> 4) & 0x07;
        var mantissa = u & 0x0F;
        var magnitude = (((mantissa << 3) + 0x84) << exponent) - 0x84;
        return (short)(sign != 0 ? -magnitude : magnitude);
    }

    public static short[] Decode(ReadOnlySpan<byte> encoded)
    {
        var samples = new short[encoded.Length];
        for (var i = 0; i < encoded.Length; i++) samples[i] = Decode(encoded[i]);
        return samples;
    }
}
