using System.Text.Json.Serialization;

namespace VoiceAgent.Emulators.Anthropic;

// Error body, HTTP and in-stream (protocols/anthropic-messages-streaming.md §2 "Mid-stream error", §3).

internal sealed class AnthropicErrorEnvelope
{
    public string Type => "error";
    public required AnthropicErrorDto Error { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? RequestId { get; init; }
}

internal sealed class AnthropicErrorDto
{
    public required string Type { get; init; }
    public required string Message { get; init; }
}
