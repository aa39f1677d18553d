using System.Text.Json;
using System.Text.Json.Serialization;

namespace VoiceAgent.Emulators.OpenAI;

// chat.completion.chunk objects, property order as in protocols/openai-chat-streaming.md §2 and its fixtures.
// The delta shape differs per chunk (first text chunk, first tool chunk, content, tool fragments, empty), so the
// chunk is generic over its delta and each closed type is registered with the JSON context.

internal sealed class OpenAIChunk<TDelta>
{
    public required string Id { get; init; }
    public string Object => "chat.completion.chunk";
    public long Created { get; init; }
    public required string Model { get; init; }
    public string SystemFingerprint => "fp_emul";
    public required IReadOnlyList<OpenAIChunkChoice<TDelta>> Choices { get; init; }
    public OpenAIUsageDto? Usage { get; init; }
}

internal sealed class OpenAIChunkChoice<TDelta>
{
    public int Index { get; init; }
    public required TDelta Delta { get; init; }
    public JsonElement? Logprobs { get; init; }
    public string? FinishReason { get; init; }
}

/// <summary>First chunk of a text reply: <c>{"role":"assistant","content":"","refusal":null}</c>.</summary>
internal sealed class OpenAIRoleTextDelta
{
    public string Role => "assistant";
    public string Content => string.Empty;
    public string? Refusal { get; init; }
}

/// <summary>First chunk of a tool-only reply: <c>{"role":"assistant","content":null,"tool_calls":[…]}</c>.</summary>
internal sealed class OpenAIRoleToolDelta
{
    public string Role => "assistant";
    public string? Content { get; init; }
    public required IReadOnlyList<OpenAIToolCallChunkDto> ToolCalls { get; init; }
}

internal sealed class OpenAIContentDelta
{
    public required string Content { get; init; }
}

internal sealed class OpenAIToolCallsDelta
{
    public required IReadOnlyList<OpenAIToolCallChunkDto> ToolCalls { get; init; }
}

internal sealed class OpenAIEmptyDelta;

internal sealed class OpenAIToolCallChunkDto
{
    public int Index { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Id { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Type { get; init; }
    public required OpenAIFunctionChunkDto Function { get; init; }
}

internal sealed class OpenAIFunctionChunkDto
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Name { get; init; }
    public required string Arguments { get; init; }
}

internal sealed class OpenAIUsageDto
{
    public int PromptTokens { get; init; }
    public int CompletionTokens { get; init; }
    public int TotalTokens { get; init; }
    public OpenAIPromptTokensDetailsDto PromptTokensDetails { get; init; } = new();
    public OpenAICompletionTokensDetailsDto CompletionTokensDetails { get; init; } = new();
}

internal sealed class OpenAIPromptTokensDetailsDto
{
    public int CachedTokens { get; init; }
}

internal sealed class OpenAICompletionTokensDetailsDto
{
    public int ReasoningTokens { get; init; }
}
