namespace VoiceAgent.Emulators.ElevenLabs;

/// <summary>G.711 μ-law encoder (ITU-T G.711, as used by Twilio Media Streams at 8 kHz).</summary>
internal static class MuLawEncoder
{
    private const int Bias = 0x84;
    private const int Clip = 32635;

    /// <summary>Encodes one 16-bit linear sample to one μ-law byte (0 → 0xFF).</summary>
    public static byte Encode(short pcm)
    {
        int sample = pcm;
        var sign = sample < 0 ? 0x80 : 0;
        if (sign != 0) sample = -sample;
        if (sample > Clip) sample = Clip;
        sample += Bias;

        // Exponent = position of the highest set bit among bits 7..14.
        var exponent = 7;
        for (var mask = 0x4000; (sample & mask) == 0 && exponent > 0; mask >>= 1) exponent--;
        var mantissa = (sample >> (exponent + 3)) & 0x0F;
        return (byte)~(sign | (exponent << 4) | mantissa);
    }

    public static void Encode(ReadOnlySpan<short> pcm, Span<byte> output)
    {
        for (var i = 0; i < pcm.Length; i++) output[i] = Encode(pcm[i]);
    }
}
