using System.Buffers.Binary;

namespace VoiceAgent.Tests.Providers.Deepgram;

/// <summary>Synthesised caller audio: silence and a loud tone, as μ-law 8 kHz (Twilio) or linear16 (Vonage).</summary>
internal static class TestAudio
{
    public const int MuLawRate = 8000;
    public const int MuLawFrameBytes = 160; // 20 ms at 8 kHz, one byte per sample

    /// <summary>μ-law of silence (the code Twilio sends for digital silence).</summary>
    public const byte MuLawSilence = 0xFF;

    public static byte[] MuLawSilenceOf(TimeSpan duration) => Enumerable.Repeat(MuLawSilence, Samples(duration, MuLawRate)).ToArray();

    public static byte[] MuLawToneOf(TimeSpan duration, double frequency = 440, short amplitude = 8000)
    {
        var samples = Samples(duration, MuLawRate);
        var audio = new byte[samples];
        for (var i = 0; i < samples; i++)
            audio[i] = MuLawEncode((short)(amplitude * Math.Sin(2 * Math.PI * frequency * i / MuLawRate)));
        return audio;
    }

    /// <summary>Silence, a tone, silence: one spoken segment.</summary>
    public static byte[] MuLawUtterance(TimeSpan leadingSilence, TimeSpan speech, TimeSpan trailingSilence)
        => [.. MuLawSilenceOf(leadingSilence), .. MuLawToneOf(speech), .. MuLawSilenceOf(trailingSilence)];

    /// <summary>Little-endian 16-bit PCM: silence, a tone, silence.</summary>
    public static byte[] Linear16Utterance(int sampleRate, TimeSpan leadingSilence, TimeSpan speech, TimeSpan trailingSilence)
    {
        var lead = Samples(leadingSilence, sampleRate);
        var tone = Samples(speech, sampleRate);
        var total = lead + tone + Samples(trailingSilence, sampleRate);
        var audio = new byte[total * 2];
        for (var i = 0; i < tone; i++)
            BinaryPrimitives.WriteInt16LittleEndian(audio.AsSpan((lead + i) * 2), (short)(8000 * Math.Sin(2 * Math.PI * 440 * i / sampleRate)));
        return audio;
    }

    /// <summary>G.711 μ-law compression (bias 0x84, clip 32635), the inverse of the emulator's table.</summary>
    public static byte MuLawEncode(short pcm)
    {
        const int Bias = 0x84, Clip = 32635;
        var sign = pcm < 0 ? 0x80 : 0;
        var magnitude = Math.Min(Math.Abs((int)pcm), Clip) + Bias;
        var exponent = 7;
        for (var mask = 0x4000; (magnitude & mask) == 0 && exponent > 0; mask >>= 1) exponent--;
        var mantissa = (magnitude >> (exponent + 3)) & 0x0F;
        return (byte)~(sign | (exponent << 4) | mantissa);
    }

    private static int Samples(TimeSpan duration, int rate) => (int)Math.Round(duration.TotalSeconds * rate);
}
