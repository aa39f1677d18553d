using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;
using VoiceAgent.Emulators.ChatScript;
using VoiceAgent.Emulators.OpenAI;
using VoiceAgent.Tests.TestSupport;
using VoiceAgent.Tests.TestSupport.Emulators;

namespace VoiceAgent.Tests.Providers.OpenAI;

/// <summary>
/// A reply longer than the request's <c>max_completion_tokens</c> (or <c>max_tokens</c>) stops there with
/// <c>finish_reason</c> <c>length</c>, as the API does (protocols/openai-chat-streaming.md §2), and our client ends
/// the reply cleanly with a length finish.
/// </summary>
public sealed partial class OpenAIMaxTokensTests
{
    [Fact]
    public async Task The_emulator_stops_at_max_completion_tokens_with_finish_reason_length_byte_for_byte()
    {
        await using var emulator = await EmulatorRequests.StartedAsync(new OpenAIEmulator());
        emulator.Enqueue(ChatReply.Text("We're ", "open ", "nine ", "to ", "five."));

        using var response = await EmulatorRequests.PostChatCompletionsAsync(emulator, """{"model":"gpt-4o-mini","stream":true,"stream_options":{"include_usage":true},"max_completion_tokens":2,"messages":[{"role":"user","content":"What are your hours?"}]}""");
        var body = Created().Replace(await response.Content.ReadAsStringAsync().DefaultTimeout(), "\"created\":1735689600");

        const string expected = """
            data: {"id":"chatcmpl-emul001","object":"chat.completion.chunk","created":1735689600,"model":"gpt-4o-mini","system_fingerprint":"fp_emul","choices":[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}],"usage":null}

            data: {"id":"chatcmpl-emul001","object":"chat.completion.chunk","created":1735689600,"model":"gpt-4o-mini","system_fingerprint":"fp_emul","choices":[{"index":0,"delta":{"content":"We're "},"logprobs":null,"finish_reason":null}],"usage":null}

            data: {"id":"chatcmpl-emul001","object":"chat.completion.chunk","created":1735689600,"model":"gpt-4o-mini","system_fingerprint":"fp_emul","choices":[{"index":0,"delta":{"content":"open "},"logprobs":null,"finish_reason":null}],"usage":null}

            data: {"id":"chatcmpl-emul001","object":"chat.completion.chunk","created":1735689600,"model":"gpt-4o-mini","system_fingerprint":"fp_emul","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"length"}],"usage":null}

            data: {"id":"chatcmpl-emul001","object":"chat.completion.chunk","created":1735689600,"model":"gpt-4o-mini","system_fingerprint":"fp_emul","choices":[],"usage":{"prompt_tokens":4,"completion_tokens":2,"total_tokens":6,"prompt_tokens_details":{"cached_tokens":0},"completion_tokens_details":{"reasoning_tokens":0}}}

            data: [DONE]


            """;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expected.ReplaceLineEndings("\n"), body);
    }

    [Fact]
    public async Task Our_client_ends_a_reply_cut_at_max_tokens_cleanly_with_a_length_finish()
    {
        await using var h = await OpenAIHarness.StartAsync();
        h.Emulator.Enqueue(ChatReply.Text(Enumerable.Range(1, 50).Select(i => $"word{i} ").ToArray()));

        var updates = await h.Client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Tell me everything")], new ChatOptions { MaxOutputTokens = 3 })
            .CollectAsync().DefaultTimeout();
        var response = updates.ToChatResponse();

        Assert.Equal("word1 word2 word3 ", response.Text);
        Assert.Equal(ChatFinishReason.Length, response.FinishReason);
        Assert.Equal(3, h.Emulator.Requests.Received[0].MaxTokens);
        Assert.Equal(ChatRequestOutcome.Completed, await h.Emulator.Requests.WhenEnded(0).DefaultTimeout());
    }

    [GeneratedRegex("\"created\":\\d+")]
    private static partial Regex Created();
}
