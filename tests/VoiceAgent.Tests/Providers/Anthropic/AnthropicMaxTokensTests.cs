using System.Net;
using Microsoft.Extensions.AI;
using VoiceAgent.Emulators.Anthropic;
using VoiceAgent.Emulators.ChatScript;
using VoiceAgent.Tests.TestSupport;
using VoiceAgent.Tests.TestSupport.Emulators;

namespace VoiceAgent.Tests.Providers.Anthropic;

/// <summary>
/// A reply longer than the request's <c>max_tokens</c> stops there with <c>stop_reason</c> <c>max_tokens</c>, as the API
/// does (protocols/anthropic-messages-streaming.md §2), and our client ends the reply cleanly with a length finish.
/// </summary>
public sealed class AnthropicMaxTokensTests
{
    [Fact]
    public async Task The_emulator_stops_at_max_tokens_with_the_documented_stop_reason_byte_for_byte()
    {
        await using var emulator = await EmulatorRequests.StartedAsync(new AnthropicEmulator());
        emulator.Enqueue(ChatReply.Text("We're ", "open ", "nine ", "to ", "five."));

        using var response = await EmulatorRequests.PostMessagesAsync(emulator, """{"model":"claude-sonnet-4-5","max_tokens":2,"stream":true,"messages":[{"role":"user","content":"What are your hours?"}]}""");
        var body = await response.Content.ReadAsStringAsync().DefaultTimeout();

        const string expected = """
            event: message_start
            data: {"type":"message_start","message":{"id":"msg_emul_001","type":"message","role":"assistant","content":[],"model":"claude-sonnet-4-5","stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":4,"output_tokens":1,"cache_creation_input_tokens":0,"cache_read_input_tokens":0}}}

            event: content_block_start
            data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

            event: ping
            data: {"type":"ping"}

            event: content_block_delta
            data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"We're "}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"open "}}

            event: content_block_stop
            data: {"type":"content_block_stop","index":0}

            event: message_delta
            data: {"type":"message_delta","delta":{"stop_reason":"max_tokens","stop_sequence":null},"usage":{"output_tokens":2}}

            event: message_stop
            data: {"type":"message_stop"}


            """;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expected.ReplaceLineEndings("\n"), body);
    }

    [Fact]
    public async Task A_tool_call_past_max_tokens_is_not_started()
    {
        await using var h = await AnthropicHarness.StartAsync();
        h.Emulator.Enqueue(ChatReply.Text("One ", "moment.") with { ToolCalls = [new ChatToolCallScript("transfer_call", """{"department":"billing"}""")] });

        var updates = await h.Client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Billing please")], new ChatOptions { MaxOutputTokens = 2 })
            .CollectAsync().DefaultTimeout();
        var response = updates.ToChatResponse();

        Assert.Equal("One moment.", response.Text);
        Assert.Empty(response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
        Assert.Equal(ChatFinishReason.Length, response.FinishReason);
    }

    [Fact]
    public async Task Our_client_ends_a_reply_cut_at_max_tokens_cleanly_with_a_length_finish()
    {
        await using var h = await AnthropicHarness.StartAsync();
        h.Emulator.Enqueue(ChatReply.Text(Enumerable.Range(1, 50).Select(i => $"word{i} ").ToArray()));

        var updates = await h.Client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Tell me everything")], new ChatOptions { MaxOutputTokens = 3 })
            .CollectAsync().DefaultTimeout();
        var response = updates.ToChatResponse();

        Assert.Equal("word1 word2 word3 ", response.Text);
        Assert.Equal(ChatFinishReason.Length, response.FinishReason);
        Assert.Equal(3, response.Usage?.OutputTokenCount);
        Assert.Equal(3, h.Emulator.Requests.Received[0].MaxTokens);
        Assert.Equal(ChatRequestOutcome.Completed, await h.Emulator.Requests.WhenEnded(0).DefaultTimeout());
    }
}
