using Microsoft.Extensions.AI;
using VoiceAgent.Emulators.ChatScript;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.Providers.Anthropic;

/// <summary>Barge-in: cancelling the caller's token must close the upstream HTTP response (the emulator sees the request aborted; how fast is the bench's figure).</summary>
public sealed class AnthropicCancellationTests
{
    [Fact]
    public async Task CancellingWhileAwaitingTheNextTokenAbortsTheUpstreamRequest()
    {
        await using var h = await AnthropicHarness.StartAsync();
        h.Emulator.EnqueueFault(ChatFault.Stall(afterDeltas: 2));
        using var cts = new CancellationTokenSource();
        await using var stream = h.Client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Hi")], cancellationToken: cts.Token).GetAsyncEnumerator(cts.Token);
        await stream.NextTextAsync().DefaultTimeout();
        await stream.NextTextAsync().DefaultTimeout();

        var pending = stream.NextTextAsync();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending.DefaultTimeout());
        await h.Emulator.Requests.WhenAborted(0).DefaultTimeout();
        Assert.Equal(1, h.Emulator.Requests.AbortedCount);
    }

    [Fact]
    public async Task CancellingWhileHoldingAnUpdateAbortsTheUpstreamRequest()
    {
        await using var h = await AnthropicHarness.StartAsync();
        h.Emulator.EnqueueFault(ChatFault.Stall(afterDeltas: 1));
        using var cts = new CancellationTokenSource();
        await using var stream = h.Client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Hi")], cancellationToken: cts.Token).GetAsyncEnumerator(cts.Token);
        await stream.NextTextAsync().DefaultTimeout();

        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => stream.NextTextAsync().DefaultTimeout());

        await h.Emulator.Requests.WhenAborted(0).DefaultTimeout();
    }
}
