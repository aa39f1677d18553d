using System.Diagnostics;
using Microsoft.Extensions.AI;
using VoiceAgent.Emulators.ChatScript;
using VoiceAgent.Tests.Providers.Anthropic;
using VoiceAgent.Tests.Providers.OpenAI;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.Providers;

/// <summary>
/// The emulators' latency controls are real delays on the wire. Only lower bounds are asserted, so a loaded
/// machine can make these slower but never make them fail.
/// </summary>
public sealed class EmulatorLatencyTests
{
    [Fact]
    public async Task PerReplyFirstTokenDelayHoldsBackTheFirstDelta()
    {
        await using var h = await AnthropicHarness.StartAsync();
        h.Emulator.Enqueue(ChatReply.Text("Hi ", "there.") with { FirstTokenDelay = TimeSpan.FromMilliseconds(300), InterTokenDelay = TimeSpan.Zero });
        var clock = Stopwatch.StartNew();

        await using var stream = h.Client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Hello")]).GetAsyncEnumerator();
        await stream.NextTextAsync().DefaultTimeout();

        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(295), $"first token after {clock.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task EmulatorInterTokenDelaySpacesTheDeltas()
    {
        var options = new ChatEmulatorOptions { ApiKey = OpenAIHarness.ApiKey, InterTokenDelay = TimeSpan.FromMilliseconds(150) };
        await using var h = await OpenAIHarness.StartAsync(options);
        h.Emulator.Enqueue(ChatReply.Text("One ", "two ", "three."));

        var clock = Stopwatch.StartNew();

        var updates = await h.Client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Count")]).CollectAsync().DefaultTimeout();

        // Two 150 ms gaps separate the three deltas, all sent after the request started.
        Assert.Equal(["One ", "two ", "three."], updates.TextDeltas());
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(295), $"three deltas took {clock.ElapsedMilliseconds} ms");
    }
}
