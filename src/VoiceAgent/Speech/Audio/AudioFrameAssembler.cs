namespace VoiceAgent.Speech.Audio;

/// <summary>
/// Cuts a byte stream that arrives in chunks of any size into exact fixed-size frames (20 ms of μ-law or
/// PCM16), holding a partial frame between chunks. Allocation-free: frames are returned as spans, either
/// straight over the caller's chunk or over one internal frame buffer.
/// <code>
/// var rest = chunk.Span;
/// while (assembler.TryTakeFrame(ref rest, out var frame)) { Handle(frame); }
/// </code>
/// A returned frame is valid only until the next call. Not thread-safe.
/// </summary>
internal sealed class AudioFrameAssembler
{
    private readonly byte[] _pending;
    private int _pendingCount;

    /// <summary>Creates an assembler for <paramref name="frameBytes"/>-byte frames padded with <paramref name="silenceByte"/>.</summary>
    public AudioFrameAssembler(int frameBytes, byte silenceByte)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(frameBytes);
        _pending = new byte[frameBytes];
        SilenceByte = silenceByte;
    }

    /// <summary>20 ms μ-law frames at 8 kHz (160 bytes), padded with 0xFF.</summary>
    public static AudioFrameAssembler ForMuLaw8k() => new(160, MuLaw.Silence);

    /// <summary>20 ms PCM16 frames at <paramref name="sampleRate"/> (320 bytes at 8 kHz, 640 at 16 kHz), padded with zeros.</summary>
    public static AudioFrameAssembler ForPcm16(int sampleRate)
    {
        if (sampleRate <= 0 || sampleRate % 50 != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(sampleRate), $"A 20 ms frame needs a sample rate divisible by 50; got {sampleRate}.");
        }

        return new(sampleRate / 50 * 2, 0);
    }

    public int FrameBytes => _pending.Length;

    public byte SilenceByte { get; }

    /// <summary>Bytes held towards the next frame.</summary>
    public int BufferedBytes => _pendingCount;

    /// <summary>
    /// Takes the next whole frame, consuming bytes from the front of <paramref name="input"/>. Returns false once
    /// <paramref name="input"/> is used up without completing a frame; the remainder is kept for the next chunk.
    /// </summary>
    public bool TryTakeFrame(ref ReadOnlySpan<byte> input, out ReadOnlySpan<byte> frame)
    {
        int frameBytes = _pending.Length;
        if (_pendingCount == 0 && input.Length >= frameBytes)
        {
            frame = input[..frameBytes];
            input = input[frameBytes..];
            return true;
        }

        int take = Math.Min(frameBytes - _pendingCount, input.Length);
        input[..take].CopyTo(_pending.AsSpan(_pendingCount));
        _pendingCount += take;
        input = input[take..];
        if (_pendingCount < frameBytes)
        {
            frame = default;
            return false;
        }

        _pendingCount = 0;
        frame = _pending;
        return true;
    }

    /// <summary>Pads a held partial frame with silence and returns it; false when nothing is held.</summary>
    public bool TryFlush(out ReadOnlySpan<byte> frame)
    {
        if (_pendingCount == 0)
        {
            frame = default;
            return false;
        }

        _pending.AsSpan(_pendingCount).Fill(SilenceByte);
        _pendingCount = 0;
        frame = _pending;
        return true;
    }

    /// <summary>Drops any held partial frame.</summary>
    public void Reset() => _pendingCount = 0;
}
