using System.Text.Json;

namespace VoiceAgent.Emulators.OpenAI;

// The parts of a Chat Completions request body the emulator reads (protocols/openai-chat-streaming.md §1).

internal sealed class OpenAIWireRequest
{
    public string? Model { get; set; }
    public List<OpenAIWireMessage>? Messages { get; set; }
    public int? MaxTokens { get; set; }
    public int? MaxCompletionTokens { get; set; }
    public List<OpenAIWireTool>? Tools { get; set; }
    public bool? Stream { get; set; }
    public OpenAIWireStreamOptions? StreamOptions { get; set; }
}

internal sealed class OpenAIWireStreamOptions
{
    public bool? IncludeUsage { get; set; }
}

internal sealed class OpenAIWireMessage
{
    public string? Role { get; set; }
    public JsonElement? Content { get; set; }
    public List<OpenAIWireToolCall>? ToolCalls { get; set; }
    public string? ToolCallId { get; set; }
}

internal sealed class OpenAIWireContentPart
{
    public string? Type { get; set; }
    public string? Text { get; set; }
}

internal sealed class OpenAIWireToolCall
{
    public string? Id { get; set; }
    public string? Type { get; set; }
    public OpenAIWireFunctionCall? Function { get; set; }
}

internal sealed class OpenAIWireFunctionCall
{
    public string? Name { get; set; }
    public string? Arguments { get; set; }
}

internal sealed class OpenAIWireTool
{
    public string? Type { get; set; }
    public OpenAIWireFunctionCall? Function { get; set; }
}
