using System.Buffers.Binary;

namespace VoiceAgent.Emulators.Audio;

/// <summary>
/// Reads RIFF/WAVE files into <see cref="WavAudio"/>. Supported: integer PCM of 8, 16, 24 or 32 bits, 32-bit
/// IEEE float, G.711 μ-law and A-law, any sample rate, any channel count (averaged to mono), plain or
/// <c>WAVE_FORMAT_EXTENSIBLE</c> headers. Anything else (ADPCM, MP3-in-WAV…) is refused with a
/// <see cref="NotSupportedException"/> that shows the <c>sox</c> command converting it.
/// </summary>
public static class WavReader
{
    private const ushort FormatPcm = 0x0001;
    private const ushort FormatFloat = 0x0003;
    private const ushort FormatALaw = 0x0006;
    private const ushort FormatMuLaw = 0x0007;
    private const ushort FormatExtensible = 0xFFFE;

    /// <summary>Reads the WAV file at <paramref name="path"/>.</summary>
    public static async Task<WavAudio> ReadAsync(string path, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var bytes = await File.ReadAllBytesAsync(path, cancellationToken);
        return Read(bytes, path);
    }

    /// <summary>Parses a complete WAV file held in memory; <paramref name="name"/> only labels error messages.</summary>
    public static WavAudio Read(ReadOnlySpan<byte> file, string name = "WAV data")
    {
        if (file.Length < 12 || !file[..4].SequenceEqual("RIFF"u8) || !file.Slice(8, 4).SequenceEqual("WAVE"u8))
            throw new InvalidDataException($"{name} is not a RIFF/WAVE file.");

        WaveFormat? format = null;
        var position = 12;
        while (position + 8 <= file.Length)
        {
            var id = file.Slice(position, 4);
            var declared = BinaryPrimitives.ReadUInt32LittleEndian(file.Slice(position + 4, 4));
            var bodyStart = position + 8;
            // Streaming writers leave 0xFFFFFFFF (or a too-large size) in the header; clamp to what is there.
            var size = (int)Math.Min(declared, (uint)(file.Length - bodyStart));
            var body = file.Slice(bodyStart, size);
            if (id.SequenceEqual("fmt "u8))
            {
                format = ParseFormat(body, name);
            }
            else if (id.SequenceEqual("data"u8))
            {
                if (format is null) throw new InvalidDataException($"{name} has its data chunk before the fmt chunk.");
                return new WavAudio(format.SampleRate, DecodeToMono(body, format));
            }
            position = bodyStart + size + (size & 1); // chunks are word aligned
        }
        throw new InvalidDataException($"{name} has no {(format is null ? "fmt" : "data")} chunk.");
    }

    private static WaveFormat ParseFormat(ReadOnlySpan<byte> body, string name)
    {
        if (body.Length < 16) throw new InvalidDataException($"{name} has a truncated fmt chunk.");
        var tag = BinaryPrimitives.ReadUInt16LittleEndian(body);
        var channels = BinaryPrimitives.ReadUInt16LittleEndian(body[2..]);
        var sampleRate = BinaryPrimitives.ReadInt32LittleEndian(body[4..]);
        var bits = BinaryPrimitives.ReadUInt16LittleEndian(body[14..]);
        if (tag == FormatExtensible)
        {
            // cbSize(2) validBits(2) channelMask(4) then the sub-format GUID, whose first two bytes are the format tag.
            if (body.Length < 26) throw new InvalidDataException($"{name} has a truncated WAVE_FORMAT_EXTENSIBLE header.");
            tag = BinaryPrimitives.ReadUInt16LittleEndian(body[24..]);
        }
        if (channels == 0 || sampleRate <= 0) throw new InvalidDataException($"{name} declares {channels} channels at {sampleRate} Hz.");

        var supported = tag switch
        {
            FormatPcm => bits is 8 or 16 or 24 or 32,
            FormatFloat => bits == 32,
            FormatMuLaw or FormatALaw => bits == 8,
            _ => false,
        };
        if (!supported)
            throw new NotSupportedException(
                $"{name} uses WAV format 0x{tag:X4} with {bits} bits per sample, which the emulators do not decode. " +
                $"Convert it first, e.g. `sox \"{name}\" -r 8000 -e mu-law -c 1 out.wav` or `sox \"{name}\" -r 16000 -b 16 -e signed-integer -c 1 out.wav`.");
        return new WaveFormat(tag, channels, sampleRate, bits);
    }

    private static short[] DecodeToMono(ReadOnlySpan<byte> data, WaveFormat format)
    {
        var bytesPerSample = format.Bits / 8;
        var frameSize = bytesPerSample * format.Channels;
        var frames = data.Length / frameSize;
        var mono = new short[frames];
        for (var frame = 0; frame < frames; frame++)
        {
            var sum = 0;
            for (var channel = 0; channel < format.Channels; channel++)
                sum += DecodeSample(data.Slice(frame * frameSize + channel * bytesPerSample, bytesPerSample), format.Tag);
            mono[frame] = (short)(sum / format.Channels);
        }
        return mono;
    }

    private static short DecodeSample(ReadOnlySpan<byte> sample, ushort tag) => tag switch
    {
        FormatMuLaw => MuLawCodec.Decode(sample[0]),
        FormatALaw => DecodeALaw(sample[0]),
        FormatFloat => (short)Math.Clamp(Math.Round(BinaryPrimitives.ReadSingleLittleEndian(sample) * 32767f), short.MinValue, short.MaxValue),
        _ => sample.Length switch
        {
            1 => (short)((sample[0] - 128) << 8), // 8-bit WAV PCM is unsigned
            2 => BinaryPrimitives.ReadInt16LittleEndian(sample),
            3 => (short)((sample[2] << 8) | sample[1]), // keep the top 16 of 24 bits
            _ => (short)(BinaryPrimitives.ReadInt32LittleEndian(sample) >> 16),
        },
    };

    // G.711 A-law expansion: toggle the even bits, then segment/mantissa as in the standard's table.
    private static short DecodeALaw(byte code)
    {
        var value = code ^ 0x55;
        var exponent = (value >> 4) & 0x07;
        var mantissa = value & 0x0F;
        var magnitude = exponent == 0 ? (mantissa << 4) + 8 : ((mantissa << 4) + 0x108) << (exponent - 1);
        return (short)((value & 0x80) != 0 ? magnitude : -magnitude);
    }

    private sealed record WaveFormat(ushort Tag, int Channels, int SampleRate, int Bits);
}
