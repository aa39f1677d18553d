using System.Text.Json.Serialization;

namespace VoiceAgent.Providers.OpenAI;

/// <summary>The <c>error</c> object of an OpenAI(-compatible) error body, or one sent inside a stream.</summary>
internal sealed class OpenAIStreamErrorDto
{
    public string? Message { get; set; }
    public string? Type { get; set; }
    public string? Code { get; set; }
}

/// <summary>An OpenAI error body: <c>{"error":{…}}</c>.</summary>
internal sealed class OpenAIErrorEnvelopeDto
{
    public OpenAIStreamErrorDto? Error { get; set; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(OpenAIStreamErrorDto))]
[JsonSerializable(typeof(OpenAIErrorEnvelopeDto))]
internal sealed partial class OpenAIProviderJsonContext : JsonSerializerContext;
