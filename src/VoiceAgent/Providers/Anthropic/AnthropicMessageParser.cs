using System.Text.Json;
using Microsoft.Extensions.AI;
using static VoiceAgent.Providers.Anthropic.AnthropicStreamDecoder;

namespace VoiceAgent.Providers.Anthropic;

/// <summary>Reads a non-streamed Messages API response (one message JSON) and the documented HTTP error body.</summary>
internal static class AnthropicMessageParser
{
    /// <summary>The message as a <see cref="ChatResponse"/>: text and tool calls, stop reason, usage.</summary>
    public static ChatResponse ParseMessage(ReadOnlySpan<byte> json)
    {
        try
        {
            return Parse(json);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"The Anthropic response is not a valid message JSON: {ex.Message}", ex);
        }
    }

    /// <summary><c>error.type</c>, <c>error.message</c> and <c>request_id</c> of an error body; nulls where it is not the documented shape.</summary>
    public static (string? Type, string? Message, string? RequestId) ParseError(ReadOnlySpan<byte> json)
    {
        string? type = null, message = null, requestId = null;
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return default;
            while (NextProperty(ref reader))
            {
                if (reader.ValueTextEquals("request_id"u8)) requestId = ReadString(ref reader);
                else if (reader.ValueTextEquals("error"u8) && ReadValue(ref reader, JsonTokenType.StartObject))
                {
                    while (NextProperty(ref reader))
                    {
                        if (reader.ValueTextEquals("type"u8)) type = ReadString(ref reader);
                        else if (reader.ValueTextEquals("message"u8)) message = ReadString(ref reader);
                        else SkipValue(ref reader);
                    }
                }
                else SkipValue(ref reader);
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidDataException)
        {
            // Not the documented body (a proxy's HTML page, say): the status alone classifies the failure.
        }
        return (type, message, requestId);
    }

    private static ChatResponse Parse(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) throw new InvalidDataException("The Anthropic response is not a JSON object.");
        string? id = null, model = null;
        ChatFinishReason? finish = null;
        UsageDetails? usage = null;
        var contents = new List<AIContent>();
        while (NextProperty(ref reader))
        {
            if (reader.ValueTextEquals("id"u8)) id = ReadString(ref reader);
            else if (reader.ValueTextEquals("model"u8)) model = ReadString(ref reader);
            else if (reader.ValueTextEquals("stop_reason"u8)) { reader.Read(); finish = StopReasonOf(ref reader); }
            else if (reader.ValueTextEquals("usage"u8)) usage = ReadUsage(ref reader);
            else if (reader.ValueTextEquals("content"u8) && ReadValue(ref reader, JsonTokenType.StartArray))
            {
                while (reader.Read() && reader.TokenType == JsonTokenType.StartObject) ReadBlock(ref reader, contents);
            }
            else SkipValue(ref reader);
        }
        if (usage is not null) contents.Add(new UsageContent(usage));
        var message = new ChatMessage(ChatRole.Assistant, contents) { MessageId = id };
        return new ChatResponse(message) { ResponseId = id, ModelId = model, FinishReason = finish, Usage = usage };
    }

    private static void ReadBlock(ref Utf8JsonReader reader, List<AIContent> contents)
    {
        string? type = null, text = null, id = null, name = null;
        byte[]? input = null;
        while (NextProperty(ref reader))
        {
            if (reader.ValueTextEquals("type"u8)) type = ReadString(ref reader);
            else if (reader.ValueTextEquals("text"u8)) text = ReadString(ref reader);
            else if (reader.ValueTextEquals("id"u8)) id = ReadString(ref reader);
            else if (reader.ValueTextEquals("name"u8)) name = ReadString(ref reader);
            else if (reader.ValueTextEquals("input"u8))
            {
                reader.Read();
                using var element = JsonDocument.ParseValue(ref reader);
                input = JsonSerializer.SerializeToUtf8Bytes(element.RootElement, AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(JsonElement)));
            }
            else SkipValue(ref reader);
        }
        if (type == "text" && !string.IsNullOrEmpty(text)) contents.Add(new TextContent(text));
        else if (type == "tool_use" && id is not null && name is not null) contents.Add(ToFunctionCall(id, name, input ?? "{}"u8));
    }

    private static UsageDetails? ReadUsage(ref Utf8JsonReader reader)
    {
        var counts = new AnthropicStreamDecoder.TokenCounts();
        AnthropicStreamDecoder.ReadUsage(ref reader, ref counts);
        return counts.ToUsage();
    }
}
