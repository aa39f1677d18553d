using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Serialization;
using VoiceAgent.Speech;

namespace VoiceAgent.Providers.ElevenLabs;

/// <summary>First client message (BOS): a single space plus the stream's voice and generation settings.</summary>
internal sealed record BeginStreamFrame(
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("voice_settings")] VoiceSettingsFrame VoiceSettings,
    [property: JsonPropertyName("generation_config")] GenerationConfigFrame GenerationConfig);

internal sealed record VoiceSettingsFrame(
    [property: JsonPropertyName("stability")] double Stability,
    [property: JsonPropertyName("similarity_boost")] double SimilarityBoost,
    [property: JsonPropertyName("style")] double Style,
    [property: JsonPropertyName("use_speaker_boost")] bool UseSpeakerBoost,
    [property: JsonPropertyName("speed")] double Speed);

internal sealed record GenerationConfigFrame(
    [property: JsonPropertyName("chunk_length_schedule")] IReadOnlyList<int> ChunkLengthSchedule);

/// <summary>Text, flush (<c>flush: true</c>) and end-of-stream (<c>text: ""</c>) messages.</summary>
internal sealed record TextFrame(
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("flush"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] bool Flush = false);

/// <summary>Any server message: audio chunk, final marker, or error.</summary>
internal sealed class ServerFrame
{
    /// <summary>Base64 audio in the stream's output format, decoded by the serializer.</summary>
    [JsonPropertyName("audio")] public byte[]? Audio { get; init; }

    [JsonPropertyName("isFinal")] public bool? IsFinal { get; init; }

    /// <summary>Snake-case spelling seen in the spec's examples.</summary>
    [JsonPropertyName("is_final")] public bool? IsFinalSnakeCase { get; init; }

    [JsonPropertyName("alignment")] public AlignmentFrame? Alignment { get; init; }

    [JsonPropertyName("normalizedAlignment")] public AlignmentFrame? NormalizedAlignment { get; init; }

    [JsonPropertyName("error")] public string? Error { get; init; }

    [JsonPropertyName("message")] public string? Message { get; init; }

    /// <summary>Close code the server announces with an error (observed: 1008).</summary>
    [JsonPropertyName("code")] public JsonElement? Code { get; init; }

    public bool IsFinalMessage => IsFinal == true || IsFinalSnakeCase == true;

    /// <summary>An error frame: an <c>error</c> key and no audio.</summary>
    public bool IsError => Error is not null && Audio is null;

    /// <summary>The numeric <c>code</c> of an error frame as a close status, when it has one.</summary>
    public WebSocketCloseStatus? AnnouncedCloseStatus
        => Code is { ValueKind: JsonValueKind.Number } code && code.TryGetInt32(out var value) ? (WebSocketCloseStatus)value : null;

    /// <summary>The audio with its original-text alignment (normalized alignment when that is all there is).</summary>
    public SpeechAudioChunk ToAudioChunk()
    {
        var alignment = Alignment?.Chars is not null ? Alignment : NormalizedAlignment;
        var chars = alignment?.Chars ?? [];
        return new SpeechAudioChunk(
            Audio ?? [],
            string.Concat(chars),
            ToMilliseconds(alignment?.CharStartTimesMs, chars.Length),
            ToMilliseconds(alignment?.CharsDurationsMs, chars.Length));
    }

    private static int[] ToMilliseconds(double[]? values, int count)
    {
        if (values is null || count == 0) return [];
        var result = new int[Math.Min(values.Length, count)];
        for (var i = 0; i < result.Length; i++) result[i] = (int)Math.Round(values[i], MidpointRounding.AwayFromZero);
        return result;
    }
}

/// <summary>Characters spoken in one chunk, with start times and durations relative to that chunk.</summary>
internal sealed class AlignmentFrame
{
    [JsonPropertyName("chars")] public string[]? Chars { get; init; }

    [JsonPropertyName("charStartTimesMs")] public double[]? CharStartTimesMs { get; init; }

    [JsonPropertyName("charsDurationsMs")] public double[]? CharsDurationsMs { get; init; }
}
