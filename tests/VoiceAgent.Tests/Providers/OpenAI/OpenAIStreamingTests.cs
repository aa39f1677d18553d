using Microsoft.Extensions.AI;
using VoiceAgent.Emulators.ChatScript;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.Providers.OpenAI;

public sealed class OpenAIStreamingTests
{
    [Fact]
    public async Task DefaultReplyStreamsWordByWordInOrder()
    {
        await using var h = await OpenAIHarness.StartAsync();

        var updates = await h.Client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "What are your hours?")]).CollectAsync().DefaultTimeout();

        Assert.Equal(DefaultChatReply.Tokens("What are your hours?"), updates.TextDeltas());
    }

    [Fact]
    public async Task FirstDeltaReachesCallerBeforeEmulatorSendsTheRest()
    {
        await using var h = await OpenAIHarness.StartAsync();
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
    }

    [Fact]
    public async Task StreamReportsStopFinishReasonAndUsage()
    {
        await using var h = await OpenAIHarness.StartAsync();
        h.Emulator.Enqueue(ChatReply.Text("Hello ", "there."));

        var updates = await h.Client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Hi")]).CollectAsync().DefaultTimeout();
        var response = updates.ToChatResponse();

        Assert.Equal("Hello there.", response.Text);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.Equal((1L, 2L, 3L), (response.Usage?.InputTokenCount, response.Usage?.OutputTokenCount, response.Usage?.TotalTokenCount));
        Assert.Equal("chatcmpl-emul001", response.ResponseId);
        Assert.Equal("gpt-4o", response.ModelId);
    }

    [Fact]
    public async Task NonStreamingCallAggregatesTheStream()
    {
        await using var h = await OpenAIHarness.StartAsync();

        var response = await h.Client.GetResponseAsync([new ChatMessage(ChatRole.User, "Hi")]).DefaultTimeout();

        Assert.Equal(DefaultChatReply.For("Hi"), response.Text);
        Assert.True((await h.Emulator.Requests.WhenReceived(0).DefaultTimeout()).Stream);
    }
}
