using System.Buffers.Binary;

namespace VoiceAgent.Emulators.ElevenLabs;

/// <summary>The <c>output_format</c> values the emulator can produce: 8 kHz μ-law and 16-bit LE PCM.</summary>
internal sealed record EmulatedAudioFormat(string Name, int SampleRate, bool MuLaw)
{
    public static EmulatedAudioFormat? Parse(string name) => name switch
    {
        "ulaw_8000" => new(name, 8000, MuLaw: true),
        "pcm_8000" => new(name, 8000, MuLaw: false),
        "pcm_16000" => new(name, 16000, MuLaw: false),
        "pcm_24000" => new(name, 24000, MuLaw: false),
        _ => null,
    };

    public int BytesPerSample => MuLaw ? 1 : 2;

    public byte[] Encode(ReadOnlySpan<short> samples)
    {
        var bytes = new byte[samples.Length * BytesPerSample];
        if (MuLaw)
        {
            MuLawEncoder.Encode(samples, bytes);
            return bytes;
        }

        for (var i = 0; i < samples.Length; i++) BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(i * 2), samples[i]);
        return bytes;
    }
}
