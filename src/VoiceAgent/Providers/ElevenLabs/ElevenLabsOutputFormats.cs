using System.Collections.Frozen;

namespace VoiceAgent.Providers.ElevenLabs;

/// <summary>The <c>output_format</c> values the stream-input endpoint accepts.</summary>
public static class ElevenLabsOutputFormats
{
    /// <summary>Raw 8 kHz G.711 μ-law: Twilio Media Streams' encoding, forwarded without transcoding.</summary>
    public const string MuLaw8000 = "ulaw_8000";

    /// <summary>Raw 8 kHz G.711 A-law.</summary>
    public const string ALaw8000 = "alaw_8000";

    /// <summary>16-bit little-endian PCM at 8 kHz.</summary>
    public const string Pcm8000 = "pcm_8000";

    /// <summary>16-bit little-endian PCM at 16 kHz: Vonage's WebSocket encoding.</summary>
    public const string Pcm16000 = "pcm_16000";

    /// <summary>Every value the spec lists (mp3, pcm, μ-law/A-law, opus).</summary>
    public static FrozenSet<string> All { get; } = FrozenSet.ToFrozenSet(
    [
        "mp3_22050_32", "mp3_44100_32", "mp3_44100_64", "mp3_44100_96", "mp3_44100_128", "mp3_44100_192",
        Pcm8000, Pcm16000, "pcm_22050", "pcm_24000", "pcm_44100",
        MuLaw8000, ALaw8000,
        "opus_48000_32", "opus_48000_64", "opus_48000_96", "opus_48000_128", "opus_48000_192",
    ], StringComparer.Ordinal);
}
