using System.Net.Http;
using System.Text;
using Microsoft.Extensions.AI;
using VoiceAgent.Providers.Anthropic;
using VoiceAgent.Providers.Resilience;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.Providers.Anthropic;

/// <summary>
/// The lean Messages stream parser (pooled SSE reader + per-event decoder) on the documented event bytes
/// (protocols/anthropic-messages-streaming.md, test fixtures 1–3), read by the client's own streaming loop from a
/// response body that hands the bytes over in pieces the way a socket may (split points a real socket cannot be made
/// to produce deterministically; the emulator tests cover the wire).
/// </summary>
public sealed class AnthropicSseParserTests
{
    private const string TextReply = """
        event: message_start
        data: {"type":"message_start","message":{"id":"msg_emul_001","type":"message","role":"assistant","content":[],"model":"claude-sonnet-4-5","stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":42,"output_tokens":1,"cache_creation_input_tokens":0,"cache_read_input_tokens":0}}}

        event: content_block_start
        data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

        event: ping
        data: {"type":"ping"}

        event: content_block_delta
        data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"We're open "}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"nine to five."}}

        event: content_block_stop
        data: {"type":"content_block_stop","index":0}

        event: message_delta
        data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":9}}

        event: message_stop
        data: {"type":"message_stop"}


        """;

    private const string ToolCall = """
        event: message_start
        data: {"type":"message_start","message":{"id":"msg_emul_002","type":"message","role":"assistant","content":[],"model":"claude-sonnet-4-5","stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":120,"output_tokens":1}}}

        event: content_block_start
        data: {"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"toolu_emul_01","name":"transfer_call","input":{}}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":""}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"{\"department\": \"bil"}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"ling\"}"}}

        event: content_block_stop
        data: {"type":"content_block_stop","index":0}

        event: message_delta
        data: {"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":23}}

        event: message_stop
        data: {"type":"message_stop"}


        """;

    private const string MidStreamOverload = """
        event: message_start
        data: {"type":"message_start","message":{"id":"msg_emul_003","type":"message","role":"assistant","content":[],"model":"claude-sonnet-4-5","stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":42,"output_tokens":1}}}

        event: error
        data: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}


        """;

    [Fact]
    public async Task The_documented_text_reply_yields_its_deltas_then_stop_and_usage()
    {
        var updates = await ParseAsync(Bytes(TextReply), chunk: int.MaxValue);

        Assert.Equal(["We're open ", "nine to five."], updates.TextDeltas());
        var response = updates.ToChatResponse();
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.Equal("msg_emul_001", response.ResponseId);
        Assert.Equal("claude-sonnet-4-5", response.ModelId);
        Assert.Equal((42L, 0L, 9L, 51L), (response.Usage?.InputTokenCount, response.Usage?.CachedInputTokenCount, response.Usage?.OutputTokenCount, response.Usage?.TotalTokenCount));
    }

    [Fact]
    public async Task The_text_reply_split_across_two_reads_at_every_byte_boundary_parses_the_same()
    {
        var bytes = Bytes(TextReply);
        var expected = Describe(await ParseAsync(bytes, chunk: int.MaxValue));

        for (var split = 1; split < bytes.Length; split++)
            Assert.Equal(expected, Describe(await ParseSplitAsync(bytes, split)));
    }

    [Fact]
    public async Task The_tool_call_reply_delivered_one_byte_per_read_parses_the_same()
    {
        var bytes = Bytes(ToolCall);

        Assert.Equal(Describe(await ParseAsync(bytes, chunk: int.MaxValue)), Describe(await ParseAsync(bytes, chunk: 1)));
    }

    [Fact]
    public async Task Input_json_deltas_are_assembled_into_one_function_call_at_the_block_stop()
    {
        var updates = await ParseAsync(Bytes(ToolCall), chunk: 7);

        var call = Assert.Single(updates.SelectMany(u => u.Contents).OfType<FunctionCallContent>());
        Assert.Equal(("toolu_emul_01", "transfer_call"), (call.CallId, call.Name));
        Assert.Equal("billing", ToolDeclarations.StringArgument(call, "department"));
        Assert.Null(call.Exception);
        Assert.Equal(ChatFinishReason.ToolCalls, updates.ToChatResponse().FinishReason);
        Assert.Equal((120L, 23L), (updates.ToChatResponse().Usage?.InputTokenCount, updates.ToChatResponse().Usage?.OutputTokenCount));
    }

    [Fact]
    public async Task Ping_and_unknown_event_types_are_ignored()
    {
        var withExtras = TextReply.Replace("event: content_block_stop", """
            event: ping
            data: {"type":"ping"}

            event: future_event
            data: {"type":"future_event","payload":{"nested":[1,2,{"x":"y"}]}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"hmm"}}

            : a comment line

            event: content_block_stop
            """, StringComparison.Ordinal);

        var updates = await ParseAsync(Bytes(withExtras), chunk: 5);

        Assert.Equal(["We're open ", "nine to five."], updates.TextDeltas());
        Assert.Equal(ChatFinishReason.Stop, updates.ToChatResponse().FinishReason);
    }

    [Fact]
    public async Task Crlf_line_ends_and_data_split_over_several_lines_are_read_as_the_format_says()
    {
        const string Stream = "event: message_start\r\ndata: {\"type\":\"message_start\",\r\ndata: \"message\":{\"id\":\"msg_1\",\"model\":\"m\",\"usage\":{\"input_tokens\":3,\"output_tokens\":1}}}\r\n\r\n"
            + "event: content_block_delta\r\ndata:{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hi \\u00e9\"}}\r\n\r\n"
            + "event: message_stop\r\ndata: {\"type\":\"message_stop\"}\r\n\r\n";

        var updates = await ParseAsync(Bytes(Stream), chunk: 3);

        Assert.Equal(["Hi é"], updates.TextDeltas());
        Assert.Equal("msg_1", updates.ToChatResponse().ResponseId);
    }

    [Fact]
    public async Task An_error_event_raises_the_stream_error_classified_like_the_http_error_of_its_type()
    {
        var error = await Assert.ThrowsAsync<AnthropicStreamException>(() => ParseAsync(Bytes(MidStreamOverload), chunk: 11));

        Assert.Equal("overloaded_error", error.ErrorType);
        Assert.Equal(new ProviderFailure(ProviderFailureKind.Overloaded, IsRetryable: true), ProviderFailure.Classify(error));
    }

    [Theory]
    [InlineData("""{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"unterminated}}""")]
    [InlineData("""{"type":"content_block_delta" "index":0}""")]
    [InlineData("""not json at all""")]
    [InlineData("""[1,2,3]""")]
    public async Task Malformed_event_data_raises_a_clear_error_instead_of_hanging(string data)
    {
        var stream = TextReply.Replace("""{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"nine to five."}}""", data, StringComparison.Ordinal);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => ParseAsync(Bytes(stream), chunk: 64));

        Assert.Contains("Anthropic stream", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stream_that_ends_before_message_stop_is_a_lost_connection()
    {
        var cut = TextReply[..TextReply.IndexOf("event: message_delta", StringComparison.Ordinal)];

        var error = await Assert.ThrowsAsync<HttpIOException>(() => ParseAsync(Bytes(cut), chunk: 16));

        Assert.Equal(ProviderFailureKind.ConnectionLost, ProviderFailure.Classify(error).Kind);
    }

    [Fact]
    public void An_event_longer_than_the_bound_is_refused()
    {
        var huge = Bytes("data: {\"type\":\"ping\",\"pad\":\"" + new string('x', 4096) + "\"}\n\n");
        using var reader = new SseEventReader(maxEventBytes: 2048);

        var error = Assert.Throws<InvalidDataException>(() =>
        {
            for (var offset = 0; offset < huge.Length && !reader.TryReadEvent();)
            {
                var fill = reader.GetFillMemory().Span;
                var piece = Math.Min(Math.Min(1000, fill.Length), huge.Length - offset);
                huge.AsSpan(offset, piece).CopyTo(fill);
                reader.Advance(piece);
                offset += piece;
            }
        });
        Assert.Contains("longer than 2048 bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_event_is_handed_out_only_once_its_blank_line_has_been_read()
    {
        using var reader = new SseEventReader();

        Feed(reader, "event: content_block_delta\ndata: {\"a\":");
        Assert.False(reader.TryReadEvent());
        Feed(reader, "1}\n");
        Assert.False(reader.TryReadEvent());
        Feed(reader, "\ndata: second\n\n");

        Assert.True(reader.TryReadEvent());
        Assert.Equal("content_block_delta", Encoding.UTF8.GetString(reader.EventName));
        Assert.Equal("{\"a\":1}", Encoding.UTF8.GetString(reader.Data));
        Assert.True(reader.TryReadEvent());
        Assert.Equal("", Encoding.UTF8.GetString(reader.EventName));
        Assert.Equal("second", Encoding.UTF8.GetString(reader.Data));
        Assert.False(reader.TryReadEvent());
        Assert.False(reader.EndOfStream);
    }

    [Fact]
    public void An_unfinished_event_at_the_end_of_the_stream_is_dropped()
    {
        using var reader = new SseEventReader();

        Feed(reader, "data: complete\n\ndata: unfinished\n");
        reader.Advance(0);

        Assert.True(reader.TryReadEvent());
        Assert.Equal("complete", Encoding.UTF8.GetString(reader.Data));
        Assert.False(reader.TryReadEvent());
        Assert.True(reader.EndOfStream);
    }

    [Fact]
    public void Advancing_past_the_space_handed_out_is_refused()
    {
        using var reader = new SseEventReader();
        var free = reader.GetFillMemory().Length;

        Assert.Throws<ArgumentOutOfRangeException>(() => reader.Advance(free + 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => reader.Advance(-1));
    }

    [Fact]
    public async Task The_documented_text_reply_fed_in_small_pieces_through_the_synchronous_steps_parses_as_the_async_reader_does()
    {
        var bytes = Bytes(TextReply);
        var expected = Describe(await ParseAsync(bytes, chunk: int.MaxValue));
        using var reader = new SseEventReader();
        using var decoder = new AnthropicStreamDecoder();
        var updates = new List<ChatResponseUpdate>();
        var offset = 0;
        for (var step = 0; step < 10_000; step++)
        {
            if (AnthropicMessagesClient.TryNextUpdate(reader, decoder, out var update))
            {
                if (update is null) break;
                updates.Add(update);
                continue;
            }
            var piece = Math.Min(7, bytes.Length - offset);
            bytes.AsSpan(offset, piece).CopyTo(reader.GetFillMemory().Span);
            reader.Advance(piece);
            offset += piece;
        }

        Assert.Equal(bytes.Length, offset);
        Assert.Equal(expected, Describe(updates));
    }

    [Fact]
    public void A_stream_that_ends_before_message_stop_is_a_lost_connection_through_the_synchronous_steps_too()
    {
        var cut = Bytes(TextReply[..TextReply.IndexOf("event: message_delta", StringComparison.Ordinal)]);
        using var reader = new SseEventReader();
        using var decoder = new AnthropicStreamDecoder();
        cut.CopyTo(reader.GetFillMemory().Span);
        reader.Advance(cut.Length);
        reader.Advance(0);

        var error = Assert.Throws<HttpIOException>(() =>
        {
            for (var i = 0; i < 100; i++) AnthropicMessagesClient.TryNextUpdate(reader, decoder, out _);
        });
        Assert.Equal(ProviderFailureKind.ConnectionLost, ProviderFailure.Classify(error).Kind);
    }

    private static void Feed(SseEventReader reader, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        bytes.CopyTo(reader.GetFillMemory().Span);
        reader.Advance(bytes.Length);
    }

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text.ReplaceLineEndings("\n"));

    private static Task<List<ChatResponseUpdate>> ParseAsync(byte[] bytes, int chunk) => ParseAsync(new ChunkedStream(bytes, chunk, chunk));

    private static Task<List<ChatResponseUpdate>> ParseSplitAsync(byte[] bytes, int firstRead) => ParseAsync(new ChunkedStream(bytes, firstRead, int.MaxValue));

    /// <summary>The updates <see cref="AnthropicMessagesClient"/> streams from a response whose body is <paramref name="stream"/>.</summary>
    private static async Task<List<ChatResponseUpdate>> ParseAsync(Stream stream)
    {
        using var client = new AnthropicMessagesClient(new HttpClient(new BodyHandler(stream)), new AnthropicModelOptions { ApiKey = "key", BaseUrl = new Uri("http://127.0.0.1:9") });
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Hi")]).WithCancellation(CancellationToken.None))
        {
            updates.Add(update);
            if (updates.Count > 10_000) throw new InvalidOperationException("The parser produced more than 10,000 updates.");
        }
        return updates;
    }

    /// <summary>Answers the one request with 200, <c>text/event-stream</c> and <paramref name="body"/> as it is read.</summary>
    private sealed class BodyHandler(Stream body) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = new HttpResponseMessage(System.Net.HttpStatusCode.OK) { RequestMessage = request, Content = new StreamContent(body) };
            response.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/event-stream");
            return Task.FromResult(response);
        }
    }

    private static string Describe(List<ChatResponseUpdate> updates) => string.Join(" | ", updates.Select(u => string.Join(",", u.Contents.Select(c => c switch
    {
        TextContent t => "text:" + t.Text,
        FunctionCallContent f => $"call:{f.CallId}:{f.Name}:{string.Join(";", f.Arguments!.Select(a => a.Key + "=" + a.Value))}",
        UsageContent u => $"usage:{u.Details.InputTokenCount}/{u.Details.CachedInputTokenCount}/{u.Details.OutputTokenCount}",
        _ => c.GetType().Name,
    })) + $"@{u.FinishReason}/{u.ResponseId}"));

    /// <summary>Hands out its bytes in reads of at most <c>first</c> bytes, then at most <c>rest</c> bytes each.</summary>
    private sealed class ChunkedStream(byte[] bytes, int first, int rest) : Stream
    {
        private int _position;
        private bool _started;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => bytes.Length;
        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var limit = _started ? rest : first;
            _started = true;
            var n = Math.Min(Math.Min(limit, buffer.Length), bytes.Length - _position);
            bytes.AsSpan(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return ValueTask.FromResult(Read(buffer.Span));
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
