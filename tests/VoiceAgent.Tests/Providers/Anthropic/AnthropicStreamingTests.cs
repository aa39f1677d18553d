using Microsoft.Extensions.AI;
using VoiceAgent.Emulators.ChatScript;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.Providers.Anthropic;

public sealed class AnthropicStreamingTests
{
    [Fact]
    public async Task DefaultReplyStreamsWordByWordInOrder()
    {
        await using var h = await AnthropicHarness.StartAsync();

        var updates = await h.Client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "What are your hours?")]).CollectAsync().DefaultTimeout();

        Assert.Equal(DefaultChatReply.Tokens("What are your hours?"), updates.TextDeltas());
    }

    [Fact]
    public async Task FirstDeltaReachesCallerBeforeEmulatorSendsTheRest()
    {
        await using var h = await AnthropicHarness.StartAsync();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        h.Emulator.Enqueue(ChatReply.Text("We're open ", "nine ", "to five.") with { Gate = gate.Task, GateAfterDeltas = 1 });

        await using var stream = h.Client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Hours?")]).GetAsyncEnumerator();
        var first = await stream.NextTextAsync().DefaultTimeout();

        Assert.Equal("We're open ", first);
        Assert.False(h.Emulator.Requests.WhenEnded(0).IsCompleted, "the emulator must still be holding the rest of the reply");
        gate.SetResult();
        Assert.Equal("nine ", await stream.NextTextAsync().DefaultTimeout());
        Assert.Equal("to five.", await stream.NextTextAsync().DefaultTimeout());
        Assert.Null(await stream.NextTextAsync().DefaultTimeout());
        Assert.Equal(ChatRequestOutcome.Completed, await h.Emulator.Requests.WhenEnded(0).DefaultTimeout());
    }

    [Fact]
    public async Task StreamReportsStopFinishReasonAndUsage()
    {
        await using var h = await AnthropicHarness.StartAsync();
        h.Emulator.Enqueue(ChatReply.Text("Hello ", "there."));

        var response = await h.Client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Hi")]).CollectAsync().DefaultTimeout();
        var aggregated = response.ToChatResponse();

        Assert.Equal("Hello there.", aggregated.Text);
        Assert.Equal(ChatFinishReason.Stop, aggregated.FinishReason);
        Assert.Equal(2, aggregated.Usage?.OutputTokenCount);
        Assert.Equal("msg_emul_001", aggregated.ResponseId);
    }
}
