using VoiceAgent.Speech.Audio;

namespace VoiceAgent.Speech.Pipeline;

/// <summary>The carrier's audio format, and how each provider is asked to speak it (no transcoding on the way).</summary>
public sealed record AudioFormat(string Name, int SampleRate, int FrameBytes, byte SilenceByte, string SttEncoding, string TtsOutputFormat)
{
    /// <summary>Twilio Media Streams: G.711 mu-law, 8 kHz, 160 bytes per 20 ms.</summary>
    public static readonly AudioFormat MuLaw8k = new("audio/x-mulaw", 8000, 160, MuLaw.Silence, "mulaw", "ulaw_8000");

    /// <summary>Vonage: 16-bit little-endian linear PCM, 16 kHz, 640 bytes per 20 ms.</summary>
    public static readonly AudioFormat Pcm16k = new("audio/l16;rate=16000", 16000, 640, 0, "linear16", "pcm_16000");

    public int SamplesPerFrame => SampleRate / 50;

    /// <summary>Bytes of audio per millisecond.</summary>
    public double BytesPerMs => FrameBytes / 20.0;

    /// <summary>Decodes one carrier frame into PCM samples for the detector.</summary>
    public void Decode(ReadOnlySpan<byte> frame, Span<short> samples)
    {
        if (SttEncoding == "mulaw") MuLaw.Decode(frame, samples);
        else Pcm16.ToSamples(frame, samples);
    }

    /// <summary>Encodes PCM samples into one carrier frame.</summary>
    public void Encode(ReadOnlySpan<short> samples, Span<byte> frame)
    {
        if (SttEncoding == "mulaw") MuLaw.Encode(samples, frame);
        else Pcm16.ToBytes(samples, frame);
    }
}
