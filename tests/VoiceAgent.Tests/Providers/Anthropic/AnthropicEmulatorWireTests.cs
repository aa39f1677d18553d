using System.Net;
using System.Text.Json;
using VoiceAgent.Emulators.Anthropic;
using VoiceAgent.Emulators.ChatScript;
using VoiceAgent.Tests.TestSupport;
using VoiceAgent.Tests.TestSupport.Emulators;

namespace VoiceAgent.Tests.Providers.Anthropic;

/// <summary>The emulator speaks the documented wire format (protocols/anthropic-messages-streaming.md), checked with a raw HTTP client.</summary>
public sealed class AnthropicEmulatorWireTests
{
    private const string StreamRequest = """{"model":"claude-sonnet-4-5","max_tokens":64,"stream":true,"messages":[{"role":"user","content":"What are your hours?"}]}""";

    [Fact]
    public async Task StreamedTextReplyMatchesTheDocumentedFixtureByteForByte()
    {
        await using var emulator = new AnthropicEmulator();
        await emulator.StartAsync().DefaultTimeout();
        emulator.Enqueue(ChatReply.Text("We're open ", "nine to five."));

        using var response = await PostAsync(emulator, StreamRequest).DefaultTimeout();
        var body = await response.Content.ReadAsStringAsync().DefaultTimeout();

        // Fixture 1 of the protocol doc; token counts are the emulator's own (4 input words, 2 deltas).
        const string expected = """
            event: message_start
            data: {"type":"message_start","message":{"id":"msg_emul_001","type":"message","role":"assistant","content":[],"model":"claude-sonnet-4-5","stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":4,"output_tokens":1,"cache_creation_input_tokens":0,"cache_read_input_tokens":0}}}

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
            data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":2}}

            event: message_stop
            data: {"type":"message_stop"}


            """;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.Contains("request-id"));
        Assert.Equal(expected.ReplaceLineEndings("\n"), body);
    }

    [Fact]
    public async Task StreamedToolCallSendsToolUseBlockWithInputJsonDeltas()
    {
        await using var emulator = new AnthropicEmulator();
        await emulator.StartAsync().DefaultTimeout();
        emulator.Enqueue(ChatReply.ToolCall("transfer_call", """{"department": "billing"}""", id: "toolu_emul_01"));

        using var response = await PostAsync(emulator, StreamRequest).DefaultTimeout();
        var events = SseEvents(await response.Content.ReadAsStringAsync().DefaultTimeout());

        Assert.Equal("message_start", events[0].Name);
        Assert.Equal("content_block_start", events[1].Name);
        Assert.Equal("""{"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"toolu_emul_01","name":"transfer_call","input":{}}}""", events[1].Data);
        var deltas = events.Skip(2).TakeWhile(e => e.Name == "content_block_delta").ToList();
        Assert.Equal("", PartialJson(deltas[0]));
        Assert.Equal("""{"department": "billing"}""", string.Concat(deltas.Select(PartialJson)));
        Assert.Equal(["content_block_stop", "message_delta", "message_stop"], events.Skip(2 + deltas.Count).Select(e => e.Name));
        Assert.Contains("\"stop_reason\":\"tool_use\"", events[^2].Data, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingVersionHeaderIsRejectedWithTheDocumentedErrorBody()
    {
        await using var emulator = new AnthropicEmulator();
        await emulator.StartAsync().DefaultTimeout();

        using var response = await PostAsync(emulator, StreamRequest, version: null).DefaultTimeout();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync().DefaultTimeout());

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("error", body.RootElement.GetProperty("type").GetString());
        Assert.Equal("authentication_error", body.RootElement.GetProperty("error").GetProperty("type").GetString());
        Assert.StartsWith("req_emul_", body.RootElement.GetProperty("request_id").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, emulator.Requests.Count);
    }

    [Fact]
    public async Task BearerTokenIsAcceptedInsteadOfApiKeyHeader()
    {
        await using var emulator = new AnthropicEmulator(new ChatEmulatorOptions { ApiKey = "tok" });
        await emulator.StartAsync().DefaultTimeout();

        using var response = await PostAsync(emulator, StreamRequest, apiKey: null, bearer: "tok").DefaultTimeout();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task RateLimitFaultSendsRetryAfterAndTheDocumentedBody()
    {
        await using var emulator = new AnthropicEmulator();
        await emulator.StartAsync().DefaultTimeout();
        emulator.EnqueueFault(ChatFault.RateLimited(TimeSpan.FromSeconds(2)));

        using var response = await PostAsync(emulator, StreamRequest).DefaultTimeout();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync().DefaultTimeout());

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(2), response.Headers.RetryAfter?.Delta);
        Assert.Equal("rate_limit_error", body.RootElement.GetProperty("error").GetProperty("type").GetString());
        Assert.Equal(ChatRequestOutcome.Faulted, await emulator.Requests.WhenEnded(0).DefaultTimeout());
    }

    [Fact]
    public async Task NonStreamingRequestGetsOneMessageJson()
    {
        await using var emulator = new AnthropicEmulator();
        await emulator.StartAsync().DefaultTimeout();

        using var response = await PostAsync(emulator, StreamRequest.Replace("\"stream\":true", "\"stream\":false", StringComparison.Ordinal)).DefaultTimeout();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync().DefaultTimeout());

        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("message", body.RootElement.GetProperty("type").GetString());
        Assert.Equal("end_turn", body.RootElement.GetProperty("stop_reason").GetString());
        Assert.Equal(DefaultChatReply.For("What are your hours?"), body.RootElement.GetProperty("content")[0].GetProperty("text").GetString());
    }

    private static Task<HttpResponseMessage> PostAsync(AnthropicEmulator emulator, string json, string? apiKey = "key", string? version = AnthropicEmulator.ApiVersion, string? bearer = null)
        => EmulatorRequests.PostMessagesAsync(emulator, json, apiKey, version, bearer);

    private static List<(string Name, string Data)> SseEvents(string body)
        => body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(block => block.Split('\n'))
            .Select(lines => (lines[0]["event: ".Length..], lines[1]["data: ".Length..]))
            .ToList();

    private static string PartialJson((string Name, string Data) e)
    {
        using var doc = JsonDocument.Parse(e.Data);
        return doc.RootElement.GetProperty("delta").GetProperty("partial_json").GetString()!;
    }
}
