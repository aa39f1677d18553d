using System.Buffers.Binary;

namespace VoiceAgent.Tests.TestSupport.Audio;

/// <summary>Reads audio files into memory: RIFF/WAVE (PCM16 mono) and headerless raw.</summary>
public static class WaveFile
{
    /// <summary>The raw bytes of a headerless file (μ-law or PCM16 little-endian).</summary>
    public static byte[] ReadRaw(string path) => File.ReadAllBytes(path);

    /// <summary>Reads a 16-bit PCM mono WAV file: its sample rate and samples.</summary>
    public static (int SampleRate, short[] Samples) ReadPcm16(string path)
    {
        byte[] data = File.ReadAllBytes(path);
        if (data.Length < 12 || !data.AsSpan(0, 4).SequenceEqual("RIFF"u8) || !data.AsSpan(8, 4).SequenceEqual("WAVE"u8))
        {
            throw new InvalidDataException($"{path} is not a RIFF/WAVE file.");
        }

        int sampleRate = 0;
        int offset = 12;
        while (offset + 8 <= data.Length)
        {
            ReadOnlySpan<byte> id = data.AsSpan(offset, 4);
            int size = BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan(offset + 4, 4));
            ReadOnlySpan<byte> body = data.AsSpan(offset + 8, Math.Min(size, data.Length - offset - 8));
            if (id.SequenceEqual("fmt "u8))
            {
                short format = BinaryPrimitives.ReadInt16LittleEndian(body);
                short channels = BinaryPrimitives.ReadInt16LittleEndian(body[2..]);
                sampleRate = BinaryPrimitives.ReadInt32LittleEndian(body[4..]);
                short bits = BinaryPrimitives.ReadInt16LittleEndian(body[14..]);
                if (format != 1 || channels != 1 || bits != 16)
                {
                    throw new InvalidDataException($"{path}: expected PCM16 mono, got format {format}, {channels} channels, {bits} bits.");
                }
            }
            else if (id.SequenceEqual("data"u8))
            {
                if (sampleRate == 0)
                {
                    throw new InvalidDataException($"{path}: data chunk before fmt chunk.");
                }

                return (sampleRate, AudioEdit.ToSamples(body));
            }

            offset += 8 + size + (size & 1);
        }

        throw new InvalidDataException($"{path} has no data chunk.");
    }
}
