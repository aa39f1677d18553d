using Microsoft.Extensions.AI;
using VoiceAgent.Emulators.ChatScript;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.Providers.Anthropic;

/// <summary>The Claude client's HTTP/1.1 connection across turns, against the emulator over real sockets (plain reuse: <see cref="AnthropicLeanClientTests"/>).</summary>
public sealed class AnthropicKeepAliveTests
{
    [Fact]
    public async Task An_error_status_read_to_its_end_leaves_the_connection_for_the_next_turn()
    {
        await using var h = await AnthropicHarness.StartAsync();
        h.Emulator.EnqueueFault(ChatFault.Http(529));
        await Assert.ThrowsAsync<VoiceAgent.Providers.Anthropic.AnthropicApiException>(() => h.Client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Hi")]).CollectAsync().DefaultTimeout());
        h.Emulator.Enqueue(ChatReply.Text("Fine now."));

        var updates = await h.Client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Hi")]).CollectAsync().DefaultTimeout();

        Assert.Equal("Fine now.", string.Concat(updates.Select(u => u.Text)));
        Assert.Equal(1, h.Emulator.TcpConnectionsAccepted);
    }
}
