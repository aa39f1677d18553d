using VoiceAgent.Speech.Audio;

namespace VoiceAgent.Speech.Vad;

/// <summary>
/// Feeds the detector straight from wire frames: Twilio's 160-byte μ-law frames (8 kHz detector) and Vonage's
/// PCM16 little-endian frames (320 bytes at 8 kHz, 640 at 16 kHz). Decoding goes through a stack buffer, so
/// these allocate nothing either.
/// </summary>
internal static class VoiceActivityDetectorWireExtensions
{
    private const int MaxFrameSamples = 320;

    /// <summary>Decodes a 20 ms μ-law frame and processes it (8 kHz detector only).</summary>
    public static VadEvent ProcessMuLaw(this VoiceActivityDetector detector, ReadOnlySpan<byte> muLawFrame)
    {
        Span<short> pcm = stackalloc short[MaxFrameSamples];
        return detector.Process(DecodeMuLaw(detector, muLawFrame, pcm));
    }

    /// <summary>Decodes a 20 ms μ-law frame that was sent to the caller and observes it (8 kHz detector only).</summary>
    public static void ObservePlaybackMuLaw(this VoiceActivityDetector detector, ReadOnlySpan<byte> muLawFrame)
    {
        Span<short> pcm = stackalloc short[MaxFrameSamples];
        detector.ObservePlayback(DecodeMuLaw(detector, muLawFrame, pcm));
    }

    /// <summary>Reads a 20 ms PCM16 little-endian frame and processes it.</summary>
    public static VadEvent ProcessPcm16(this VoiceActivityDetector detector, ReadOnlySpan<byte> pcm16Frame)
    {
        Span<short> pcm = stackalloc short[MaxFrameSamples];
        return detector.Process(ReadPcm16(detector, pcm16Frame, pcm));
    }

    /// <summary>Reads a 20 ms PCM16 little-endian frame that was sent to the caller and observes it.</summary>
    public static void ObservePlaybackPcm16(this VoiceActivityDetector detector, ReadOnlySpan<byte> pcm16Frame)
    {
        Span<short> pcm = stackalloc short[MaxFrameSamples];
        detector.ObservePlayback(ReadPcm16(detector, pcm16Frame, pcm));
    }

    private static ReadOnlySpan<short> DecodeMuLaw(VoiceActivityDetector detector, ReadOnlySpan<byte> frame, Span<short> buffer)
    {
        if (detector.SampleRate != 8000 || frame.Length != detector.FrameSamples)
        {
            throw new ArgumentException($"μ-law frames are 160 bytes for an 8 kHz detector; got {frame.Length} bytes for a {detector.SampleRate} Hz detector.", nameof(frame));
        }

        MuLaw.Decode(frame, buffer);
        return buffer[..frame.Length];
    }

    private static ReadOnlySpan<short> ReadPcm16(VoiceActivityDetector detector, ReadOnlySpan<byte> frame, Span<short> buffer)
    {
        if (frame.Length != detector.FrameSamples * 2)
        {
            throw new ArgumentException($"PCM16 frames are {detector.FrameSamples * 2} bytes at {detector.SampleRate} Hz; got {frame.Length}.", nameof(frame));
        }

        Pcm16.ToSamples(frame, buffer);
        return buffer[..detector.FrameSamples];
    }
}
