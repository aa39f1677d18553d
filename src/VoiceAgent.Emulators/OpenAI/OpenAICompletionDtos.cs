using System.Text.Json;
using System.Text.Json.Serialization;

namespace VoiceAgent.Emulators.OpenAI;

// The non-streamed chat.completion object.

internal sealed class OpenAICompletionDto
{
    public required string Id { get; init; }
    public string Object => "chat.completion";
    public long Created { get; init; }
    public required string Model { get; init; }
    public string SystemFingerprint => "fp_emul";
    public required IReadOnlyList<OpenAICompletionChoiceDto> Choices { get; init; }
    public required OpenAIUsageDto Usage { get; init; }
}

internal sealed class OpenAICompletionChoiceDto
{
    public int Index { get; init; }
    public required OpenAICompletionMessageDto Message { get; init; }
    public JsonElement? Logprobs { get; init; }
    public required string FinishReason { get; init; }
}

internal sealed class OpenAICompletionMessageDto
{
    public string Role => "assistant";
    public string? Content { get; init; }
    public string? Refusal { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<OpenAIToolCallDto>? ToolCalls { get; init; }
}

internal sealed class OpenAIToolCallDto
{
    public required string Id { get; init; }
    public string Type => "function";
    public required OpenAIFunctionDto Function { get; init; }
}

internal sealed class OpenAIFunctionDto
{
    public required string Name { get; init; }
    public required string Arguments { get; init; }
}
