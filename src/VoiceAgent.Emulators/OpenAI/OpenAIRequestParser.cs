using System.Text.Json;
using VoiceAgent.Emulators.ChatScript;

namespace VoiceAgent.Emulators.OpenAI;

/// <summary>Reads a Chat Completions request body into a <see cref="RecordedChatRequest"/>.</summary>
internal static class OpenAIRequestParser
{
    public static OpenAIWireRequest? ReadWire(string body)
    {
        try
        {
            return JsonSerializer.Deserialize(body, OpenAIJsonContext.Default.OpenAIWireRequest);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static RecordedChatRequest? Parse(string body)
    {
        if (ReadWire(body) is not { Model: { Length: > 0 } model, Messages: { Count: > 0 } messages } wire) return null;

        var recorded = new List<RecordedChatMessage>(messages.Count);
        foreach (var message in messages)
        {
            if (message.Role is not ("system" or "developer" or "user" or "assistant" or "tool")) return null;
            var text = message.Content is { } content ? TextOf(content) : string.Empty;
            if (text is null) return null;
            recorded.Add(new RecordedChatMessage(message.Role, text)
            {
                ToolUses = message.ToolCalls?.Select(c => new RecordedToolUse(c.Id ?? string.Empty, c.Function?.Name ?? string.Empty, c.Function?.Arguments ?? string.Empty)).ToList() ?? [],
                ToolResults = message.Role == "tool" ? [new RecordedToolResult(message.ToolCallId ?? string.Empty, text)] : [],
            });
        }

        var system = recorded.Where(m => m.Role is "system" or "developer").Select(m => m.Text).ToList();
        return new RecordedChatRequest
        {
            Model = model,
            MaxTokens = wire.MaxCompletionTokens ?? wire.MaxTokens,
            System = system.Count > 0 ? string.Join("\n", system) : null,
            Messages = recorded,
            ToolNames = wire.Tools?.Select(t => t.Function?.Name ?? string.Empty).ToList() ?? [],
            Stream = wire.Stream == true,
            RawJson = body,
        };
    }

    /// <summary>Text of a string, null or content-part array; null when the content is malformed.</summary>
    private static string? TextOf(JsonElement content) => content.ValueKind switch
    {
        JsonValueKind.String => content.GetString(),
        JsonValueKind.Null => string.Empty,
        JsonValueKind.Array => string.Concat((content.Deserialize(OpenAIJsonContext.Default.ListOpenAIWireContentPart) ?? [])
            .Where(p => p.Type == "text").Select(p => p.Text)),
        _ => null,
    };
}
