using VoiceAgent.Speech.Audio;

namespace VoiceAgent.Cli.Bench;

/// <summary>Voiced, syllable-shaped audio the detector hears as speech (no espeak needed on the bench machine).</summary>
internal static class SyntheticSpeech
{
    public static byte[] MuLaw8k(int milliseconds, double pitchHz = 140)
    {
        var samples = new short[8 * milliseconds];
        for (var i = 0; i < samples.Length; i++)
        {
            var t = i / 8000.0;
            var envelope = 0.55 + 0.45 * Math.Sin(2 * Math.PI * 4 * t); // ~4 syllables per second
            var voiced = 0.0;
            for (var h = 1; h <= 6; h++) voiced += Math.Sin(2 * Math.PI * pitchHz * h * t) / h;
            samples[i] = (short)(5000 * envelope * voiced);
        }
        var mulaw = new byte[samples.Length];
        MuLaw.Encode(samples, mulaw);
        return mulaw;
    }

    /// <summary>The same speech as 16 kHz 16-bit little-endian PCM (Vonage), each 8 kHz sample repeated.</summary>
    public static byte[] Pcm16k(int milliseconds, double pitchHz = 140)
    {
        var mulaw = MuLaw8k(milliseconds, pitchHz);
        var pcm = new byte[mulaw.Length * 4];
        for (var i = 0; i < mulaw.Length; i++)
        {
            var sample = MuLaw.Decode(mulaw[i]);
            System.Buffers.Binary.BinaryPrimitives.WriteInt16LittleEndian(pcm.AsSpan(i * 4), sample);
            System.Buffers.Binary.BinaryPrimitives.WriteInt16LittleEndian(pcm.AsSpan(i * 4 + 2), sample);
        }
        return pcm;
    }
}
