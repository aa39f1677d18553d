using System.Text.Json;
using VoiceAgent.Emulators.ChatScript;

namespace VoiceAgent.Emulators.Anthropic;

/// <summary>Reads a Messages API request body into a <see cref="RecordedChatRequest"/>.</summary>
internal static class AnthropicRequestParser
{
    public static RecordedChatRequest? Parse(string body)
    {
        AnthropicWireRequest? wire;
        try
        {
            wire = JsonSerializer.Deserialize(body, AnthropicJsonContext.Default.AnthropicWireRequest);
        }
        catch (JsonException)
        {
            return null;
        }
        if (wire is not { Model: { Length: > 0 } model, MaxTokens: not null, Messages: { } messages }) return null;

        var recorded = new List<RecordedChatMessage>(messages.Count);
        foreach (var message in messages)
        {
            if (message.Role is not ("user" or "assistant")) return null;
            if (ParseMessage(message) is not { } parsed) return null;
            recorded.Add(parsed);
        }

        return new RecordedChatRequest
        {
            Model = model,
            MaxTokens = wire.MaxTokens,
            System = wire.System is { } system ? TextOf(system) : null,
            Messages = recorded,
            ToolNames = wire.Tools?.Select(t => t.Name ?? string.Empty).ToList() ?? [],
            Stream = wire.Stream == true,
            RawJson = body,
        };
    }

    private static RecordedChatMessage? ParseMessage(AnthropicWireMessage message)
    {
        var content = message.Content;
        if (content.ValueKind == JsonValueKind.String) return new RecordedChatMessage(message.Role!, content.GetString()!);
        if (content.ValueKind != JsonValueKind.Array) return null;

        var blocks = content.Deserialize(AnthropicJsonContext.Default.ListAnthropicWireContentBlock) ?? [];
        var text = new List<string>();
        var uses = new List<RecordedToolUse>();
        var results = new List<RecordedToolResult>();
        foreach (var block in blocks)
        {
            switch (block.Type)
            {
                case "text":
                    text.Add(block.Text ?? string.Empty);
                    break;
                case "tool_use":
                    uses.Add(new RecordedToolUse(block.Id ?? string.Empty, block.Name ?? string.Empty, block.Input?.GetRawText() ?? "{}"));
                    break;
                case "tool_result":
                    results.Add(new RecordedToolResult(block.ToolUseId ?? string.Empty, block.Content is { } c ? TextOf(c) : string.Empty));
                    break;
            }
        }
        return new RecordedChatMessage(message.Role!, string.Concat(text)) { ToolUses = uses, ToolResults = results };
    }

    /// <summary>Text of a string, or of the text blocks of a block array, joined by newlines.</summary>
    private static string TextOf(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.String) return element.GetString()!;
        if (element.ValueKind != JsonValueKind.Array) return element.GetRawText();
        var blocks = element.Deserialize(AnthropicJsonContext.Default.ListAnthropicWireContentBlock) ?? [];
        return string.Join("\n", blocks.Where(b => b.Type == "text").Select(b => b.Text));
    }
}
