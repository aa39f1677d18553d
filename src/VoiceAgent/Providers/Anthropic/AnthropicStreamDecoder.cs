using System.Text.Json;
using Microsoft.Extensions.AI;
using VoiceAgent.Buffers;

namespace VoiceAgent.Providers.Anthropic;

/// <summary>
/// Turns the data of Messages API stream events (protocols/anthropic-messages-streaming.md §2) into
/// <see cref="ChatResponseUpdate"/>s with one <see cref="Utf8JsonReader"/> pass per event and no document per event:
/// a text delta becomes a <see cref="TextContent"/>; a tool block's <c>input_json_delta</c> fragments are gathered in
/// a pooled buffer and become one <see cref="FunctionCallContent"/> at its <c>content_block_stop</c>; usage
/// (<c>message_start</c>, then the cumulative <c>message_delta</c>) and the stop reason come in one last update
/// from <see cref="Finish"/>. <c>ping</c>, other delta types and unknown event types are ignored; an <c>error</c>
/// event throws <see cref="AnthropicStreamException"/>; data that is not valid JSON throws
/// <see cref="InvalidDataException"/>. One instance per stream.
/// </summary>
internal sealed class AnthropicStreamDecoder : IDisposable
{
    private List<ToolBlock>? _tools;
    private TokenCounts _tokens;
    private bool _finished;
    private ChatResponseUpdate? _textUpdate; // with ReuseTextUpdates: the one text update of this stream
    private TextContent? _textContent;

    /// <summary>
    /// Hand out one text update per stream, its text replaced per delta (<see cref="ReusedStreamingUpdates"/>): each
    /// update is valid until the next <see cref="Decode"/>. Off: a new update per delta.
    /// </summary>
    public bool ReuseTextUpdates { get; init; }

    public string? MessageId { get; private set; }
    public string? ModelId { get; private set; }
    public ChatFinishReason? FinishReason { get; private set; }

    /// <summary>Whether <c>message_stop</c> arrived: the message is complete.</summary>
    public bool Completed { get; private set; }

    /// <summary>Decodes one event's data; returns the update it carries for the caller, or null.</summary>
    public ChatResponseUpdate? Decode(ReadOnlySpan<byte> data)
    {
        try
        {
            return DecodeEvent(data);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"The Anthropic stream sent an event whose data is not valid JSON: {ex.Message}", ex);
        }
    }

    /// <summary>The last update (usage and stop reason), once; null when there is nothing to report or it was already taken.</summary>
    public ChatResponseUpdate? Finish()
    {
        if (_finished) return null;
        _finished = true;
        var usage = _tokens.ToUsage();
        if (usage is null && FinishReason is null) return null;
        return NewUpdate(usage is null ? [] : [new UsageContent(usage)]);
    }

    public void Dispose()
    {
        if (_tools is null) return;
        foreach (var tool in _tools) tool.Arguments.Dispose();
        _tools.Clear();
    }

    private ChatResponseUpdate? DecodeEvent(ReadOnlySpan<byte> data)
    {
        var reader = new Utf8JsonReader(data);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            throw new InvalidDataException("The Anthropic stream sent an event whose data is not a JSON object.");
        var type = TypeOf(data);
        if (type.SequenceEqual("content_block_delta"u8)) return OnBlockDelta(ref reader);
        if (type.SequenceEqual("content_block_start"u8)) return OnBlockStart(ref reader);
        if (type.SequenceEqual("content_block_stop"u8)) return OnBlockStop(ref reader);
        if (type.SequenceEqual("message_start"u8)) OnMessageStart(ref reader);
        else if (type.SequenceEqual("message_delta"u8)) OnMessageDelta(ref reader);
        else if (type.SequenceEqual("message_stop"u8)) Completed = true;
        else if (type.SequenceEqual("error"u8)) OnError(ref reader);
        // ping and event types added after this was written: nothing to do.
        return null;
    }

    /// <summary>
    /// The top-level <c>type</c> (the event's name), wherever it stands in the object. Reads the whole object, so
    /// malformed data is caught even for events whose fields are not used.
    /// </summary>
    private static ReadOnlySpan<byte> TypeOf(ReadOnlySpan<byte> data)
    {
        var reader = new Utf8JsonReader(data);
        reader.Read();
        ReadOnlySpan<byte> type = default;
        while (NextProperty(ref reader))
        {
            var isType = reader.ValueTextEquals("type"u8);
            reader.Read();
            if (isType && reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped) type = reader.ValueSpan;
            reader.Skip();
        }
        if (reader.Read()) throw new InvalidDataException("The Anthropic stream sent an event whose data has more than one JSON value.");
        return type;
    }

    private void OnMessageStart(ref Utf8JsonReader reader)
    {
        while (NextProperty(ref reader))
        {
            if (!reader.ValueTextEquals("message"u8) || !ReadValue(ref reader, JsonTokenType.StartObject)) { SkipValue(ref reader); continue; }
            while (NextProperty(ref reader))
            {
                if (reader.ValueTextEquals("id"u8)) MessageId = ReadString(ref reader) ?? MessageId;
                else if (reader.ValueTextEquals("model"u8)) ModelId = ReadString(ref reader) ?? ModelId;
                else if (reader.ValueTextEquals("usage"u8)) ReadUsage(ref reader, ref _tokens);
                else SkipValue(ref reader);
            }
        }
    }

    private void OnMessageDelta(ref Utf8JsonReader reader)
    {
        while (NextProperty(ref reader))
        {
            if (reader.ValueTextEquals("usage"u8)) ReadUsage(ref reader, ref _tokens);
            else if (reader.ValueTextEquals("delta"u8) && ReadValue(ref reader, JsonTokenType.StartObject))
            {
                while (NextProperty(ref reader))
                {
                    if (reader.ValueTextEquals("stop_reason"u8) && ReadValue(ref reader, JsonTokenType.String)) FinishReason = StopReasonOf(ref reader);
                    else SkipValue(ref reader);
                }
            }
            else SkipValue(ref reader);
        }
    }

    private ChatResponseUpdate? OnBlockStart(ref Utf8JsonReader reader)
    {
        int? index = null;
        string? blockType = null, id = null, name = null, text = null;
        while (NextProperty(ref reader))
        {
            if (reader.ValueTextEquals("index"u8)) index = ReadInt(ref reader);
            else if (reader.ValueTextEquals("content_block"u8) && ReadValue(ref reader, JsonTokenType.StartObject))
            {
                while (NextProperty(ref reader))
                {
                    if (reader.ValueTextEquals("type"u8)) blockType = ReadBlockType(ref reader);
                    else if (reader.ValueTextEquals("id"u8)) id = ReadString(ref reader);
                    else if (reader.ValueTextEquals("name"u8)) name = ReadString(ref reader);
                    else if (reader.ValueTextEquals("text"u8)) text = ReadString(ref reader);
                    else SkipValue(ref reader);
                }
            }
            else SkipValue(ref reader);
        }
        if (ReferenceEquals(blockType, ToolUse))
        {
            if (index is null || id is null || name is null)
                throw new InvalidDataException("The Anthropic stream started a tool_use block without its index, id or name.");
            (_tools ??= []).Add(new ToolBlock(index.Value, id, name));
            return null;
        }
        return ReferenceEquals(blockType, Text) && !string.IsNullOrEmpty(text) ? TextUpdate(text) : null;
    }

    private ChatResponseUpdate? OnBlockDelta(ref Utf8JsonReader reader)
    {
        int? index = null;
        ToolBlock? tool = null;
        string? text = null, pendingJson = null, deltaType = null;
        while (NextProperty(ref reader))
        {
            if (reader.ValueTextEquals("index"u8))
            {
                index = ReadInt(ref reader);
                tool = FindTool(index);
            }
            else if (reader.ValueTextEquals("delta"u8) && ReadValue(ref reader, JsonTokenType.StartObject))
            {
                while (NextProperty(ref reader))
                {
                    if (reader.ValueTextEquals("type"u8)) deltaType = ReadBlockType(ref reader);
                    else if (reader.ValueTextEquals("text"u8)) text = ReadString(ref reader);
                    else if (reader.ValueTextEquals("partial_json"u8) && ReadValue(ref reader, JsonTokenType.String))
                    {
                        // The usual order (index before delta) appends straight into the pooled buffer.
                        if (tool is not null) AppendUnescaped(ref reader, tool.Arguments);
                        else pendingJson = reader.GetString();
                    }
                    else SkipValue(ref reader);
                }
            }
            else SkipValue(ref reader);
        }
        if (ReferenceEquals(deltaType, TextDelta)) return string.IsNullOrEmpty(text) ? null : TextUpdate(text);
        if (pendingJson is { Length: > 0 } && FindTool(index) is { } late) late.Arguments.Write(System.Text.Encoding.UTF8.GetBytes(pendingJson));
        return null; // input_json_delta (gathered), thinking/signature/citations deltas (not enabled here)
    }

    private ChatResponseUpdate? OnBlockStop(ref Utf8JsonReader reader)
    {
        int? index = null;
        while (NextProperty(ref reader))
        {
            if (reader.ValueTextEquals("index"u8)) index = ReadInt(ref reader);
            else SkipValue(ref reader);
        }
        if (FindTool(index) is not { } tool) return null;
        _tools!.Remove(tool);
        var call = ToFunctionCall(tool.Id, tool.Name, tool.Arguments.WrittenSpan);
        tool.Arguments.Dispose();
        return NewUpdate([call]);
    }

    private static void OnError(ref Utf8JsonReader reader)
    {
        string? type = null, message = null;
        while (NextProperty(ref reader))
        {
            if (reader.ValueTextEquals("error"u8) && ReadValue(ref reader, JsonTokenType.StartObject))
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
        throw new AnthropicStreamException(type, message);
    }

    /// <summary>A tool call from its gathered input JSON; unparseable input is kept as the call's <see cref="FunctionCallContent.Exception"/>, as the SDK did.</summary>
    internal static FunctionCallContent ToFunctionCall(string id, string name, ReadOnlySpan<byte> inputJson)
    {
        if (inputJson.IsEmpty) return new FunctionCallContent(id, name, new Dictionary<string, object?>());
        var utf8 = inputJson.ToArray();
        return FunctionCallContent.CreateFromParsedArguments(utf8, id, name, static json =>
            (Dictionary<string, object?>?)JsonSerializer.Deserialize(json, AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(Dictionary<string, object?>))));
    }

    /// <summary>
    /// Reads a <c>usage</c> object into <paramref name="counts"/>: a field it sends replaces the one held, one it omits
    /// stays (message_delta's counts are cumulative over message_start's; a non-streamed reply starts from none).
    /// </summary>
    internal static void ReadUsage(ref Utf8JsonReader reader, ref TokenCounts counts)
    {
        if (!ReadValue(ref reader, JsonTokenType.StartObject)) { SkipValue(ref reader); return; }
        while (NextProperty(ref reader))
        {
            if (reader.ValueTextEquals("input_tokens"u8)) counts.Input = ReadLong(ref reader) ?? counts.Input;
            else if (reader.ValueTextEquals("output_tokens"u8)) counts.Output = ReadLong(ref reader) ?? counts.Output;
            else if (reader.ValueTextEquals("cache_creation_input_tokens"u8)) counts.CacheCreation = ReadLong(ref reader) ?? counts.CacheCreation;
            else if (reader.ValueTextEquals("cache_read_input_tokens"u8)) counts.CacheRead = ReadLong(ref reader) ?? counts.CacheRead;
            else SkipValue(ref reader);
        }
    }

    /// <summary>The token counts of one reply as Anthropic reports them (cache writes and reads apart from input).</summary>
    internal struct TokenCounts
    {
        public long? Input, Output, CacheCreation, CacheRead;

        public readonly UsageDetails? ToUsage() => Usage(Input, Output, CacheCreation, CacheRead);
    }

    /// <summary>
    /// The Microsoft.Extensions.AI form the cost code reads: input counts every input token (cache reads and writes
    /// included, as the prompt-caching docs add them up), cached input the cache reads.
    /// </summary>

    internal static UsageDetails? Usage(long? input, long? output, long? cacheCreation, long? cacheRead)
    {
        if (input is null && output is null && cacheCreation is null && cacheRead is null) return null;
        long? totalInput = input is null && cacheCreation is null && cacheRead is null ? null : (input ?? 0) + (cacheCreation ?? 0) + (cacheRead ?? 0);
        var usage = new UsageDetails
        {
            InputTokenCount = totalInput,
            CachedInputTokenCount = cacheRead,
            OutputTokenCount = output,
            TotalTokenCount = totalInput is null && output is null ? null : (totalInput ?? 0) + (output ?? 0),
        };
        if (cacheCreation is > 0) (usage.AdditionalCounts ??= [])["CacheCreationInputTokens"] = cacheCreation.Value;
        return usage;
    }

    internal static ChatFinishReason? StopReasonOf(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.String) return null;
        if (reader.ValueTextEquals("tool_use"u8)) return ChatFinishReason.ToolCalls;
        if (reader.ValueTextEquals("max_tokens"u8) || reader.ValueTextEquals("model_context_window_exceeded"u8)) return ChatFinishReason.Length;
        if (reader.ValueTextEquals("refusal"u8)) return ChatFinishReason.ContentFilter;
        return ChatFinishReason.Stop; // end_turn, stop_sequence, pause_turn and values added later
    }

    /// <summary>The update for a text delta: a new one, or with <see cref="ReuseTextUpdates"/> the stream's one update with its text replaced.</summary>
    private ChatResponseUpdate TextUpdate(string text)
    {
        if (!ReuseTextUpdates) return NewUpdate([new TextContent(text)]);
        if (_textUpdate is null)
        {
            _textContent = new TextContent(text);
            _textUpdate = NewUpdate([_textContent]);
            return _textUpdate;
        }
        _textContent!.Text = text;
        // A decorator may have tagged the last hand-out (the first-token race marks its first update); the caller may
        // have changed the list: each hand-out starts as new.
        _textUpdate.AdditionalProperties = null;
        var contents = _textUpdate.Contents;
        if (contents.Count != 1 || !ReferenceEquals(contents[0], _textContent))
        {
            contents.Clear();
            contents.Add(_textContent);
        }
        _textUpdate.ResponseId = MessageId;
        _textUpdate.MessageId = MessageId;
        _textUpdate.ModelId = ModelId;
        _textUpdate.FinishReason = FinishReason;
        return _textUpdate;
    }

    private ChatResponseUpdate NewUpdate(IList<AIContent> contents) => new(ChatRole.Assistant, contents)
    {
        ResponseId = MessageId,
        MessageId = MessageId,
        ModelId = ModelId,
        FinishReason = FinishReason,
    };

    private ToolBlock? FindTool(int? index)
    {
        if (index is null || _tools is null) return null;
        foreach (var tool in _tools)
            if (tool.Index == index) return tool;
        return null;
    }

    // Block and delta types compared by reference after one interned read, so no string is made per event.
    private const string Text = "text", ToolUse = "tool_use", TextDelta = "text_delta", InputJsonDelta = "input_json_delta", Other = "other";

    private static string? ReadBlockType(ref Utf8JsonReader reader)
    {
        if (!ReadValue(ref reader, JsonTokenType.String)) { SkipValue(ref reader); return null; }
        if (reader.ValueTextEquals("text_delta"u8)) return TextDelta;
        if (reader.ValueTextEquals("input_json_delta"u8)) return InputJsonDelta;
        if (reader.ValueTextEquals("text"u8)) return Text;
        if (reader.ValueTextEquals("tool_use"u8)) return ToolUse;
        return Other;
    }

    private static void AppendUnescaped(ref Utf8JsonReader reader, PooledByteBufferWriter target)
    {
        if (!reader.ValueIsEscaped)
        {
            target.Write(reader.ValueSpan);
            return;
        }
        var written = reader.CopyString(target.GetSpan(reader.ValueSpan.Length));
        target.Advance(written);
    }

    /// <summary>Moves to the next property name of the current object; false at its end.</summary>
    internal static bool NextProperty(ref Utf8JsonReader reader)
    {
        if (!reader.Read()) throw new InvalidDataException("The Anthropic stream sent an event whose JSON ends early.");
        return reader.TokenType == JsonTokenType.PropertyName;
    }

    /// <summary>Reads a property's value; true when it has the expected token type.</summary>
    internal static bool ReadValue(ref Utf8JsonReader reader, JsonTokenType expected)
    {
        reader.Read();
        return reader.TokenType == expected;
    }

    /// <summary>Skips a property's value (after its name).</summary>
    internal static void SkipValue(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.PropertyName) reader.Read();
        reader.Skip();
    }

    internal static string? ReadString(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.String) return reader.GetString();
        reader.Skip();
        return null;
    }

    private static int? ReadInt(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var value)) return value;
        reader.Skip();
        return null;
    }

    internal static long? ReadLong(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var value)) return value;
        reader.Skip();
        return null;
    }

    private sealed class ToolBlock(int index, string id, string name)
    {
        public int Index { get; } = index;
        public string Id { get; } = id;
        public string Name { get; } = name;
        public PooledByteBufferWriter Arguments { get; } = new(256);
    }
}
