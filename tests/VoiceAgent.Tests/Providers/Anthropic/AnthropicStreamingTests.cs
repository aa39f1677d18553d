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

        var texts = new List<string>();
        await foreach (var update in h.Client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "What are your hours?")]).WithCancellation(CancellationToken.None))
            if (update.Text.Length > 0) texts.Add(update.Text);

        Assert.Equal(DefaultChatReply.Tokens("What are your hours?"), texts);
    }
}
