using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace VoiceAgent.Speech.Audio;

/// <summary>
/// 16-bit signed little-endian linear PCM (the Vonage payload format): byte/sample conversion and
/// frame level. Levels are RMS relative to full scale (32768), so a full-scale sine reads −3 dBFS.
/// </summary>
internal static class Pcm16
{
    /// <summary>The level reported for digital silence instead of −∞.</summary>
    public const double SilenceDbfs = -120.0;

    private const double FullScale = 32768.0;

    /// <summary>Reads little-endian bytes into samples. <paramref name="bytes"/> must have an even length.</summary>
    public static void ToSamples(ReadOnlySpan<byte> bytes, Span<short> destination)
    {
        if ((bytes.Length & 1) != 0)
        {
            throw new ArgumentException($"PCM16 needs an even number of bytes; got {bytes.Length}.", nameof(bytes));
        }

        int count = bytes.Length / 2;
        if (destination.Length < count)
        {
            throw new ArgumentException($"Destination holds {destination.Length} samples but {count} are needed.", nameof(destination));
        }

        ReadOnlySpan<short> raw = MemoryMarshal.Cast<byte, short>(bytes);
        if (BitConverter.IsLittleEndian)
        {
            raw.CopyTo(destination);
        }
        else
        {
            BinaryPrimitives.ReverseEndianness(raw, destination[..count]);
        }
    }

    /// <summary>Writes samples as little-endian bytes; <paramref name="destination"/> needs two bytes per sample.</summary>
    public static void ToBytes(ReadOnlySpan<short> samples, Span<byte> destination)
    {
        if (destination.Length < samples.Length * 2)
        {
            throw new ArgumentException($"Destination holds {destination.Length} bytes but {samples.Length * 2} are needed.", nameof(destination));
        }

        Span<short> raw = MemoryMarshal.Cast<byte, short>(destination[..(samples.Length * 2)]);
        if (BitConverter.IsLittleEndian)
        {
            samples.CopyTo(raw);
        }
        else
        {
            BinaryPrimitives.ReverseEndianness(samples, raw);
        }
    }

    /// <summary>Root-mean-square amplitude of a frame in sample units (0 for an empty frame).</summary>
    public static double Rms(ReadOnlySpan<short> samples)
    {
        if (samples.IsEmpty)
        {
            return 0;
        }

        long sum = 0;
        foreach (short s in samples)
        {
            sum += s * s;
        }

        return Math.Sqrt((double)sum / samples.Length);
    }

    /// <summary>Frame level in dBFS, never below <see cref="SilenceDbfs"/>.</summary>
    public static double Dbfs(ReadOnlySpan<short> samples) => RmsToDbfs(Rms(samples));

    /// <summary>Converts an RMS amplitude to dBFS, never below <see cref="SilenceDbfs"/>.</summary>
    public static double RmsToDbfs(double rms)
        => rms <= 0 ? SilenceDbfs : Math.Max(SilenceDbfs, 20.0 * Math.Log10(rms / FullScale));
}
