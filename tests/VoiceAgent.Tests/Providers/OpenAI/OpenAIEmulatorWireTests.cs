using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using VoiceAgent.Emulators.ChatScript;
using VoiceAgent.Emulators.OpenAI;
using VoiceAgent.Tests.TestSupport;
using VoiceAgent.Tests.TestSupport.Emulators;

namespace VoiceAgent.Tests.Providers.OpenAI;

/// <summary>The emulator speaks the documented wire format (protocols/openai-chat-streaming.md), checked with a raw HTTP client.</summary>
public sealed partial class OpenAIEmulatorWireTests
{
    private const string StreamRequest = """{"model":"gpt-4o-mini","stream":true,"stream_options":{"include_usage":true},"max_completion_tokens":64,"messages":[{"role":"user","content":"What are your hours?"}]}""";

    [Fact]
    public async Task StreamedTextReplyMatchesTheDocumentedFixtureByteForByte()
    {
        await using var emulator = new OpenAIEmulator();
        await emulator.StartAsync().DefaultTimeout();
        emulator.Enqueue(ChatReply.Text("We're open ", "nine to five."));

        using var response = await PostAsync(emulator, StreamRequest).DefaultTimeout();
        var body = Created().Replace(await response.Content.ReadAsStringAsync().DefaultTimeout(), "\"created\":1735689600");

        // Fixture 1 of the protocol doc; token counts are the emulator's own (4 input words, 2 deltas).
        const string expected = """
            data: {"id":"chatcmpl-emul001","object":"chat.completion.chunk","created":1735689600,"model":"gpt-4o-mini","system_fingerprint":"fp_emul","choices":[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}],"usage":null}

            data: {"id":"chatcmpl-emul001","object":"chat.completion.chunk","created":1735689600,"model":"gpt-4o-mini","system_fingerprint":"fp_emul","choices":[{"index":0,"delta":{"content":"We're open "},"logprobs":null,"finish_reason":null}],"usage":null}

            data: {"id":"chatcmpl-emul001","object":"chat.completion.chunk","created":1735689600,"model":"gpt-4o-mini","system_fingerprint":"fp_emul","choices":[{"index":0,"delta":{"content":"nine to five."},"logprobs":null,"finish_reason":null}],"usage":null}

            data: {"id":"chatcmpl-emul001","object":"chat.completion.chunk","created":1735689600,"model":"gpt-4o-mini","system_fingerprint":"fp_emul","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}],"usage":null}

            data: {"id":"chatcmpl-emul001","object":"chat.completion.chunk","created":1735689600,"model":"gpt-4o-mini","system_fingerprint":"fp_emul","choices":[],"usage":{"prompt_tokens":4,"completion_tokens":2,"total_tokens":6,"prompt_tokens_details":{"cached_tokens":0},"completion_tokens_details":{"reasoning_tokens":0}}}

            data: [DONE]


            """;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(expected.ReplaceLineEndings("\n"), body);
    }

    [Fact]
    public async Task StreamedToolCallSendsIdAndNameFirstThenArgumentFragments()
    {
        await using var emulator = new OpenAIEmulator();
        await emulator.StartAsync().DefaultTimeout();
        emulator.Enqueue(ChatReply.ToolCall("transfer_call", """{"department":"billing"}""", id: "call_emul01"));

        using var response = await PostAsync(emulator, StreamRequest).DefaultTimeout();
        var data = DataLines(await response.Content.ReadAsStringAsync().DefaultTimeout());

        Assert.Equal("[DONE]", data[^1]);
        using var first = JsonDocument.Parse(data[0]);
        var delta = first.RootElement.GetProperty("choices")[0].GetProperty("delta");
        Assert.Equal("""{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"call_emul01","type":"function","function":{"name":"transfer_call","arguments":""}}]}""", delta.GetRawText());
        var arguments = data.Skip(1).TakeWhile(d => d.Contains("\"tool_calls\":[", StringComparison.Ordinal)).Select(ArgumentsOf);
        Assert.Equal("""{"department":"billing"}""", string.Concat(arguments));
        Assert.Contains(data, d => d.Contains("\"finish_reason\":\"tool_calls\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task LegacyMaxTokensIsAcceptedAndNonStreamingGetsOneCompletion()
    {
        await using var emulator = new OpenAIEmulator();
        await emulator.StartAsync().DefaultTimeout();

        using var response = await PostAsync(emulator, """{"model":"llama3","max_tokens":77,"messages":[{"role":"user","content":"Hi"}]}""").DefaultTimeout();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync().DefaultTimeout());

        Assert.Equal(77, (await emulator.Requests.WhenReceived(0).DefaultTimeout()).MaxTokens);
        Assert.Equal("chat.completion", body.RootElement.GetProperty("object").GetString());
        Assert.Equal(DefaultChatReply.For("Hi"), body.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
    }

    [Fact]
    public async Task StreamWithoutUsageRequestHasNoUsageChunk()
    {
        await using var emulator = new OpenAIEmulator();
        await emulator.StartAsync().DefaultTimeout();

        using var response = await PostAsync(emulator, """{"model":"gpt-4o","stream":true,"messages":[{"role":"user","content":"Hi"}]}""").DefaultTimeout();
        var data = DataLines(await response.Content.ReadAsStringAsync().DefaultTimeout());

        Assert.Equal("[DONE]", data[^1]);
        Assert.DoesNotContain(data, d => d.Contains("\"choices\":[]", StringComparison.Ordinal));
    }

    [Fact]
    public async Task MissingBearerTokenIsRejectedWithInvalidApiKey()
    {
        await using var emulator = new OpenAIEmulator();
        await emulator.StartAsync().DefaultTimeout();

        using var response = await PostAsync(emulator, StreamRequest, bearer: null).DefaultTimeout();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync().DefaultTimeout());

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("invalid_api_key", body.RootElement.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(1, emulator.Requests.RejectedCount);
    }

    private static Task<HttpResponseMessage> PostAsync(OpenAIEmulator emulator, string json, string? bearer = "key")
        => EmulatorRequests.PostChatCompletionsAsync(emulator, json, bearer);

    private static List<string> DataLines(string body)
        => body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(e => e["data: ".Length..]).ToList();

    private static string ArgumentsOf(string chunk)
    {
        using var doc = JsonDocument.Parse(chunk);
        return doc.RootElement.GetProperty("choices")[0].GetProperty("delta").GetProperty("tool_calls")[0].GetProperty("function").GetProperty("arguments").GetString()!;
    }

    [GeneratedRegex("\"created\":\\d+")]
    private static partial Regex Created();
}
