namespace VoiceAgent.Emulators.Audio;

/// <summary>
/// The audio format a call leg carries on the wire, in 20 ms frames: G.711 μ-law at 8 kHz (Twilio) or
/// 16-bit little-endian PCM at 8 or 16 kHz (Vonage). Knows how to turn wire bytes into linear samples and back,
/// which the echo simulation needs.
/// </summary>
internal sealed class LineFormat
{
    /// <summary>The length of one frame on the line.</summary>
    public static readonly TimeSpan FrameDuration = TimeSpan.FromMilliseconds(20);

    private LineFormat(bool muLaw, int sampleRate)
    {
        IsMuLaw = muLaw;
        SampleRate = sampleRate;
        SamplesPerFrame = sampleRate / 50;
        BytesPerSample = muLaw ? 1 : Pcm16.BytesPerSample;
        BytesPerFrame = SamplesPerFrame * BytesPerSample;
        SilenceByte = muLaw ? MuLawCodec.Silence : (byte)0;
    }

    public bool IsMuLaw { get; }

    public int SampleRate { get; }

    public int SamplesPerFrame { get; }

    public int BytesPerSample { get; }

    public int BytesPerFrame { get; }

    /// <summary>Bytes of audio played per second.</summary>
    public int BytesPerSecond => SampleRate * BytesPerSample;

    /// <summary>The byte every position of a silent frame holds.</summary>
    public byte SilenceByte { get; }

    public static LineFormat MuLaw8k() => new(muLaw: true, 8000);

    public static LineFormat LinearPcm16(int sampleRate) => new(muLaw: false, sampleRate);

    /// <summary>A new frame of silence.</summary>
    public byte[] SilentFrame()
    {
        var frame = new byte[BytesPerFrame];
        frame.AsSpan().Fill(SilenceByte);
        return frame;
    }

    /// <summary>How long <paramref name="bytes"/> bytes of audio play.</summary>
    public TimeSpan DurationOf(long bytes) => TimeSpan.FromSeconds((double)bytes / BytesPerSecond);

    /// <summary>Decodes wire bytes (a whole number of samples) to linear samples.</summary>
    public void Decode(ReadOnlySpan<byte> wire, Span<short> samples)
    {
        if (IsMuLaw) MuLawCodec.Decode(wire, samples);
        else Pcm16.ToSamples(wire, samples);
    }

    /// <summary>Encodes linear samples to wire bytes.</summary>
    public void Encode(ReadOnlySpan<short> samples, Span<byte> wire)
    {
        if (IsMuLaw) MuLawCodec.Encode(samples, wire);
        else Pcm16.ToBytes(samples, wire);
    }
}
