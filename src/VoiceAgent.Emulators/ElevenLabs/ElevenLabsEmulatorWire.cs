using System.Text.Json.Serialization;

namespace VoiceAgent.Emulators.ElevenLabs;

/// <summary>Any client message, read tolerantly (both API-key spellings, both config spellings).</summary>
internal sealed class EmulatorClientMessage
{
    [JsonPropertyName("text")] public string? Text { get; init; }
    [JsonPropertyName("flush")] public bool? Flush { get; init; }
    [JsonPropertyName("try_trigger_generation")] public bool? TryTriggerGeneration { get; init; }
    [JsonPropertyName("voice_settings")] public EmulatorVoiceSettings? VoiceSettings { get; init; }
    [JsonPropertyName("generation_config")] public EmulatorGenerationConfig? GenerationConfig { get; init; }
    [JsonPropertyName("generator_config")] public EmulatorGenerationConfig? GeneratorConfig { get; init; }
    [JsonPropertyName("xi_api_key")] public string? ApiKeyUnderscore { get; init; }
    [JsonPropertyName("xi-api-key")] public string? ApiKeyHyphen { get; init; }
    [JsonPropertyName("authorization")] public string? Authorization { get; init; }
}

internal sealed class EmulatorVoiceSettings
{
    [JsonPropertyName("stability")] public double? Stability { get; init; }
    [JsonPropertyName("similarity_boost")] public double? SimilarityBoost { get; init; }
    [JsonPropertyName("style")] public double? Style { get; init; }
    [JsonPropertyName("use_speaker_boost")] public bool? UseSpeakerBoost { get; init; }
    [JsonPropertyName("speed")] public double? Speed { get; init; }
}

internal sealed class EmulatorGenerationConfig
{
    [JsonPropertyName("chunk_length_schedule")] public double[]? ChunkLengthSchedule { get; init; }
}

/// <summary>Audio chunk, fields in the order the service sends them; <c>isFinal</c> is null on the wire.</summary>
internal sealed record EmulatorAudioMessage(
    [property: JsonPropertyName("audio")] byte[] Audio,
    [property: JsonPropertyName("isFinal")] bool? IsFinal,
    [property: JsonPropertyName("normalizedAlignment")] EmulatorAlignment? NormalizedAlignment,
    [property: JsonPropertyName("alignment")] EmulatorAlignment? Alignment);

/// <summary>Per-chunk alignment; times are relative to the chunk.</summary>
internal sealed record EmulatorAlignment(
    [property: JsonPropertyName("charStartTimesMs")] int[] CharStartTimesMs,
    [property: JsonPropertyName("charsDurationsMs")] int[] CharsDurationsMs,
    [property: JsonPropertyName("chars")] string[] Chars);

internal sealed record EmulatorFinalMessage([property: JsonPropertyName("isFinal")] bool IsFinal);

internal sealed record EmulatorSnakeCaseFinalMessage([property: JsonPropertyName("is_final")] bool IsFinal);

/// <summary>Error frame as observed from the service: then close 1008.</summary>
internal sealed record EmulatorErrorMessage(
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("error")] string Error,
    [property: JsonPropertyName("code")] int Code);

/// <summary>Body of a rejected upgrade, shaped like the REST API's errors.</summary>
internal sealed record EmulatorRejection([property: JsonPropertyName("detail")] EmulatorRejectionDetail Detail);

internal sealed record EmulatorRejectionDetail(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("message")] string Message);

[JsonSerializable(typeof(EmulatorClientMessage))]
[JsonSerializable(typeof(EmulatorAudioMessage))]
[JsonSerializable(typeof(EmulatorFinalMessage))]
[JsonSerializable(typeof(EmulatorSnakeCaseFinalMessage))]
[JsonSerializable(typeof(EmulatorErrorMessage))]
[JsonSerializable(typeof(EmulatorRejection))]
internal sealed partial class ElevenLabsEmulatorJsonContext : JsonSerializerContext;
