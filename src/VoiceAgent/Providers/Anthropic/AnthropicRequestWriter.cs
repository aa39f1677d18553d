using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.AI;
using VoiceAgent.Buffers;

namespace VoiceAgent.Providers.Anthropic;

/// <summary>
/// Writes a Messages API request body (protocols/anthropic-messages-streaming.md §1) straight from the chat messages
/// and <see cref="ChatOptions"/> with a <see cref="Utf8JsonWriter"/> into a pooled buffer, mapping what the SDK's
/// adapter mapped: system messages and <see cref="ChatOptions.Instructions"/> → <c>system</c>; user/assistant/tool
/// messages → <c>messages</c> with <c>text</c>, <c>tool_use</c> and <c>tool_result</c> blocks; model, max_tokens,
/// temperature, top_p, top_k, stop_sequences; function declarations → <c>tools</c> with their JSON schema; the tool
/// mode → <c>tool_choice</c>.
/// </summary>
internal static class AnthropicRequestWriter
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Writes the body into <paramref name="body"/>.</summary>
    public static void Write(PooledByteBufferWriter body, IEnumerable<ChatMessage> messages, ChatOptions? options, string defaultModel, int defaultMaxTokens, bool stream)
    {
        // Indexed loops below: a foreach over IEnumerable/IList boxes an enumerator per loop, per message.
        var list = messages as IList<ChatMessage> ?? [.. messages];
        using var json = new Utf8JsonWriter(body, WriterOptions);
        json.WriteStartObject();
        json.WriteString("model"u8, options?.ModelId ?? defaultModel);
        json.WriteNumber("max_tokens"u8, options?.MaxOutputTokens ?? defaultMaxTokens);
        WriteSystem(json, list, options?.Instructions);
        WriteMessages(json, list);
        if (options is not null) WriteOptions(json, options);
        if (stream) json.WriteBoolean("stream"u8, true);
        json.WriteEndObject();
    }

    private static void WriteSystem(Utf8JsonWriter json, IList<ChatMessage> messages, string? instructions)
    {
        // One system text goes as a plain string; several as text blocks, in order.
        string? single = null;
        var count = 0;
        for (var m = 0; m < messages.Count; m++)
        {
            if (messages[m].Role != ChatRole.System) continue;
            var contents = messages[m].Contents;
            for (var c = 0; c < contents.Count; c++)
                if (contents[c] is TextContent text) { single ??= text.Text; count++; }
        }
        if (instructions is not null) { single ??= instructions; count++; }
        if (count == 0) return;
        if (count == 1)
        {
            json.WriteString("system"u8, single);
            return;
        }
        json.WriteStartArray("system"u8);
        for (var m = 0; m < messages.Count; m++)
        {
            if (messages[m].Role != ChatRole.System) continue;
            var contents = messages[m].Contents;
            for (var c = 0; c < contents.Count; c++)
                if (contents[c] is TextContent text) WriteTextBlock(json, text.Text);
        }
        if (instructions is not null) WriteTextBlock(json, instructions);
        json.WriteEndArray();
    }

    private static void WriteMessages(Utf8JsonWriter json, IList<ChatMessage> messages)
    {
        json.WriteStartArray("messages"u8);
        var any = false;
        for (var m = 0; m < messages.Count; m++)
        {
            var message = messages[m];
            if (message.Role == ChatRole.System || !HasBlocks(message)) continue;
            any = true;
            var assistant = message.Role == ChatRole.Assistant;
            json.WriteStartObject();
            json.WriteString("role"u8, assistant ? "assistant"u8 : "user"u8);
            json.WriteStartArray("content"u8);
            var contents = message.Contents;
            for (var c = 0; c < contents.Count; c++)
            {
                switch (contents[c])
                {
                    case TextContent text when IsSent(text.Text):
                        WriteTextBlock(json, assistant ? text.Text.AsSpan().TrimEnd() : text.Text); // trimmed in place: no copy of every earlier reply per request
                        break;
                    case FunctionCallContent call:
                        WriteToolUse(json, call);
                        break;
                    case FunctionResultContent result:
                        WriteToolResult(json, result);
                        break;
                }
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        if (!any)
        {
            // The API needs at least one message (the SDK's adapter sends a zero-width space too).
            json.WriteStartObject();
            json.WriteString("role"u8, "user"u8);
            json.WriteString("content"u8, "\u200b");
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }

    private static bool HasBlocks(ChatMessage message)
    {
        var contents = message.Contents;
        for (var c = 0; c < contents.Count; c++)
            if (contents[c] is FunctionCallContent or FunctionResultContent || (contents[c] is TextContent text && IsSent(text.Text))) return true;
        return false;
    }

    /// <summary>Whitespace-only text is not sent (the API refuses empty text blocks).</summary>
    private static bool IsSent(string? text) => !string.IsNullOrWhiteSpace(text);

    private static void WriteTextBlock(Utf8JsonWriter json, ReadOnlySpan<char> text)
    {
        json.WriteStartObject();
        json.WriteString("type"u8, "text"u8);
        json.WriteString("text"u8, text);
        json.WriteEndObject();
    }

    private static void WriteToolUse(Utf8JsonWriter json, FunctionCallContent call)
    {
        json.WriteStartObject();
        json.WriteString("type"u8, "tool_use"u8);
        json.WriteString("id"u8, call.CallId);
        json.WriteString("name"u8, call.Name);
        json.WriteStartObject("input"u8);
        if (call.Arguments is { } arguments)
        {
            foreach (var (name, value) in arguments)
            {
                json.WritePropertyName(name);
                WriteValue(json, value);
            }
        }
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteToolResult(Utf8JsonWriter json, FunctionResultContent result)
    {
        json.WriteStartObject();
        json.WriteString("type"u8, "tool_result"u8);
        json.WriteString("tool_use_id"u8, result.CallId);
        json.WritePropertyName("content"u8);
        switch (result.Result)
        {
            case string text:
                json.WriteStringValue(text);
                break;
            case TextContent text:
                json.WriteStringValue(text.Text);
                break;
            case null:
                json.WriteStringValue("");
                break;
            default:
                json.WriteStringValue(JsonSerializer.Serialize(result.Result, AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(object))));
                break;
        }
        if (result.Exception is not null) json.WriteBoolean("is_error"u8, true);
        json.WriteEndObject();
    }

    private static void WriteOptions(Utf8JsonWriter json, ChatOptions options)
    {
        if (options.Temperature is { } temperature) json.WriteNumber("temperature"u8, temperature);
        if (options.TopP is { } topP) json.WriteNumber("top_p"u8, topP);
        if (options.TopK is { } topK) json.WriteNumber("top_k"u8, topK);
        if (options.StopSequences is { Count: > 0 } stops)
        {
            json.WriteStartArray("stop_sequences"u8);
            foreach (var stop in stops) json.WriteStringValue(stop);
            json.WriteEndArray();
        }
        var wroteTools = false;
        if (options.Tools is { Count: > 0 } tools)
        {
            for (var t = 0; t < tools.Count; t++)
            {
                if (tools[t] is not AIFunctionDeclaration function) continue; // hosted tools are not used here
                if (!wroteTools) json.WriteStartArray("tools"u8);
                wroteTools = true;
                json.WriteStartObject();
                json.WriteString("name"u8, function.Name);
                if (!string.IsNullOrEmpty(function.Description)) json.WriteString("description"u8, function.Description);
                json.WritePropertyName("input_schema"u8);
                if (function.JsonSchema.ValueKind == JsonValueKind.Object) function.JsonSchema.WriteTo(json);
                else json.WriteRawValue("""{"type":"object","properties":{}}"""u8, skipInputValidation: true);
                json.WriteEndObject();
            }
            if (wroteTools) json.WriteEndArray();
        }
        if (wroteTools) WriteToolChoice(json, options);
    }

    private static void WriteToolChoice(Utf8JsonWriter json, ChatOptions options)
    {
        switch (options.ToolMode)
        {
            case NoneChatToolMode:
                json.WriteStartObject("tool_choice"u8);
                json.WriteString("type"u8, "none"u8);
                json.WriteEndObject();
                break;
            case AutoChatToolMode:
                json.WriteStartObject("tool_choice"u8);
                json.WriteString("type"u8, "auto"u8);
                if (options.AllowMultipleToolCalls is { } multipleAuto) json.WriteBoolean("disable_parallel_tool_use"u8, !multipleAuto);
                json.WriteEndObject();
                break;
            case RequiredChatToolMode required:
                json.WriteStartObject("tool_choice"u8);
                if (required.RequiredFunctionName is { } name)
                {
                    json.WriteString("type"u8, "tool"u8);
                    json.WriteString("name"u8, name);
                }
                else
                {
                    json.WriteString("type"u8, "any"u8);
                }
                if (options.AllowMultipleToolCalls is { } multiple) json.WriteBoolean("disable_parallel_tool_use"u8, !multiple);
                json.WriteEndObject();
                break;
        }
    }

    private static void WriteValue(Utf8JsonWriter json, object? value)
    {
        switch (value)
        {
            case null: json.WriteNullValue(); break;
            case JsonElement element: element.WriteTo(json); break;
            case string text: json.WriteStringValue(text); break;
            case bool flag: json.WriteBooleanValue(flag); break;
            case int number: json.WriteNumberValue(number); break;
            case long number: json.WriteNumberValue(number); break;
            case double number: json.WriteNumberValue(number); break;
            default: JsonSerializer.Serialize(json, value, AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(object))); break;
        }
    }
}
