using System.Diagnostics;
using Microsoft.Extensions.AI;
using VoiceAgent.Emulators.ChatScript;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.Providers.OpenAI;

/// <summary>Barge-in: cancelling the caller's token must close the upstream HTTP response at once.</summary>
public sealed class OpenAICancellationTests
{
    /// <summary>Below SocketsHttpHandler's 2 s drain timeout, so passing proves the connection was closed, not drained.</summary>
    private static readonly TimeSpan Prompt = TimeSpan.FromMilliseconds(1500);

    [Fact]
    public async Task CancellingWhileAwaitingTheNextTokenAbortsTheUpstreamRequest()
    {
        await using var h = await OpenAIHarness.StartAsync();
        h.Emulator.EnqueueFault(ChatFault.Stall(afterDeltas: 2));
        using var cts = new CancellationTokenSource();
        await using var stream = h.Client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Hi")], cancellationToken: cts.Token).GetAsyncEnumerator(cts.Token);
        await stream.NextTextAsync().DefaultTimeout();
        await stream.NextTextAsync().DefaultTimeout();

        var pending = stream.NextTextAsync();
        var clock = Stopwatch.StartNew();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending.DefaultTimeout());
        await h.Emulator.Requests.WhenAborted(0).DefaultTimeout(Prompt);
        Assert.True(clock.Elapsed < Prompt, $"upstream closed after {clock.ElapsedMilliseconds} ms");
        Assert.Equal(1, h.Emulator.Requests.AbortedCount);
    }

    [Fact]
    public async Task CancellingWhileHoldingAnUpdateAbortsTheUpstreamRequest()
    {
        await using var h = await OpenAIHarness.StartAsync();
        h.Emulator.EnqueueFault(ChatFault.Stall(afterDeltas: 1));
        using var cts = new CancellationTokenSource();
        await using var stream = h.Client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Hi")], cancellationToken: cts.Token).GetAsyncEnumerator(cts.Token);
        await stream.NextTextAsync().DefaultTimeout();

        var clock = Stopwatch.StartNew();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => stream.NextTextAsync().DefaultTimeout());

        await h.Emulator.Requests.WhenAborted(0).DefaultTimeout(Prompt);
        Assert.True(clock.Elapsed < Prompt, $"upstream closed after {clock.ElapsedMilliseconds} ms");
    }
}
