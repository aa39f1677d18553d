namespace VoiceAgent.Providers.Deepgram;

/// <summary>Bytes per second of mono raw audio, which maps stream time to positions in the sent audio.</summary>
internal static class AudioByteRate
{
    /// <summary>Bytes per second for raw encodings; <c>null</c> for compressed or containerised audio, whose rate is not fixed.</summary>
    public static int? Of(string encoding, int sampleRate) => encoding.ToLowerInvariant() switch
    {
        "mulaw" or "alaw" => sampleRate,
        "linear16" => sampleRate * 2,
        "linear32" => sampleRate * 4,
        _ => null,
    };

    /// <summary>A rate for sizing the replay buffer when the encoding has none (generous for compressed speech).</summary>
    public const int FallbackBytesPerSecond = 32_000;
}
