using System.Text.Json;

namespace VoiceAgent.Emulators.Anthropic;

// The parts of a Messages API request body the emulator reads (protocols/anthropic-messages-streaming.md §1).

internal sealed class AnthropicWireRequest
{
    public string? Model { get; set; }
    public int? MaxTokens { get; set; }
    public JsonElement? System { get; set; }
    public List<AnthropicWireMessage>? Messages { get; set; }
    public List<AnthropicWireTool>? Tools { get; set; }
    public bool? Stream { get; set; }
}

internal sealed class AnthropicWireMessage
{
    public string? Role { get; set; }
    public JsonElement Content { get; set; }
}

internal sealed class AnthropicWireContentBlock
{
    public string? Type { get; set; }
    public string? Text { get; set; }
    public string? Id { get; set; }
    public string? Name { get; set; }
    public JsonElement? Input { get; set; }
    public string? ToolUseId { get; set; }
    public JsonElement? Content { get; set; }
}

internal sealed class AnthropicWireTool
{
    public string? Name { get; set; }
}
