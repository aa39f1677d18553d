using System.Text.Json;
using System.Text.Json.Serialization;

namespace VoiceAgent.Emulators.Anthropic;

// Streaming events and the non-streamed message, property order as in protocols/anthropic-messages-streaming.md §2.

internal sealed class AnthropicMessageStartEvent
{
    public string Type => "message_start";
    public required AnthropicMessageDto Message { get; init; }
}

internal sealed class AnthropicMessageDto
{
    public required string Id { get; init; }
    public string Type => "message";
    public string Role => "assistant";
    public required IReadOnlyList<AnthropicContentBlockDto> Content { get; init; }
    public required string Model { get; init; }
    public string? StopReason { get; init; }
    public string? StopSequence { get; init; }
    public required AnthropicUsageDto Usage { get; init; }
}

internal sealed class AnthropicUsageDto
{
    public int InputTokens { get; init; }
    public int OutputTokens { get; init; }
    public int CacheCreationInputTokens { get; init; }
    public int CacheReadInputTokens { get; init; }
}

internal sealed class AnthropicContentBlockDto
{
    public required string Type { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Text { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Id { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Name { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public JsonElement? Input { get; init; }
}

internal sealed class AnthropicContentBlockStartEvent
{
    public string Type => "content_block_start";
    public int Index { get; init; }
    public required AnthropicContentBlockDto ContentBlock { get; init; }
}

internal sealed class AnthropicPingEvent
{
    public string Type => "ping";
}

internal sealed class AnthropicContentBlockDeltaEvent
{
    public string Type => "content_block_delta";
    public int Index { get; init; }
    public required AnthropicDeltaDto Delta { get; init; }
}

internal sealed class AnthropicDeltaDto
{
    public required string Type { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Text { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? PartialJson { get; init; }
}

internal sealed class AnthropicContentBlockStopEvent
{
    public string Type => "content_block_stop";
    public int Index { get; init; }
}

internal sealed class AnthropicMessageDeltaEvent
{
    public string Type => "message_delta";
    public required AnthropicStopDto Delta { get; init; }
    public required AnthropicOutputUsageDto Usage { get; init; }
}

internal sealed class AnthropicStopDto
{
    public required string StopReason { get; init; }
    public string? StopSequence { get; init; }
}

internal sealed class AnthropicOutputUsageDto
{
    public int OutputTokens { get; init; }
}

internal sealed class AnthropicMessageStopEvent
{
    public string Type => "message_stop";
}
