using System.Buffers.Binary;

namespace VoiceAgent.Emulators.Audio;

/// <summary>16-bit signed little-endian linear PCM, the wire format of Vonage's WebSocket audio.</summary>
public static class Pcm16
{
    /// <summary>Bytes per sample.</summary>
    public const int BytesPerSample = 2;

    /// <summary>Reads little-endian samples; a trailing odd byte is ignored.</summary>
    public static short[] ToSamples(ReadOnlySpan<byte> bytes)
    {
        var samples = new short[bytes.Length / BytesPerSample];
        ToSamples(bytes, samples);
        return samples;
    }

    /// <summary>Reads <c>bytes.Length / 2</c> little-endian samples into <paramref name="destination"/>.</summary>
    public static void ToSamples(ReadOnlySpan<byte> bytes, Span<short> destination)
    {
        var count = bytes.Length / BytesPerSample;
        if (destination.Length < count) throw new ArgumentException("Destination is shorter than the source.", nameof(destination));
        for (var i = 0; i < count; i++) destination[i] = BinaryPrimitives.ReadInt16LittleEndian(bytes.Slice(i * BytesPerSample, BytesPerSample));
    }

    /// <summary>Writes samples as little-endian bytes.</summary>
    public static byte[] ToBytes(ReadOnlySpan<short> samples)
    {
        var bytes = new byte[samples.Length * BytesPerSample];
        ToBytes(samples, bytes);
        return bytes;
    }

    /// <summary>Writes samples as little-endian bytes into <paramref name="destination"/>.</summary>
    public static void ToBytes(ReadOnlySpan<short> samples, Span<byte> destination)
    {
        if (destination.Length < samples.Length * BytesPerSample) throw new ArgumentException("Destination is shorter than the source.", nameof(destination));
        for (var i = 0; i < samples.Length; i++) BinaryPrimitives.WriteInt16LittleEndian(destination.Slice(i * BytesPerSample, BytesPerSample), samples[i]);
    }
}
