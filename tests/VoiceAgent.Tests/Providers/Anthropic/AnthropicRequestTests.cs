using Microsoft.Extensions.AI;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.Providers.Anthropic;

public sealed class AnthropicRequestTests
{
    [Fact]
    public async Task SystemMessageIsSentAsTheSystemField()
    {
        await using var h = await AnthropicHarness.StartAsync();

        await h.Client.GetStreamingResponseAsync(
        [
            new ChatMessage(ChatRole.System, "You are a phone agent for Acme."),
            new ChatMessage(ChatRole.User, "Hi"),
        ]).CollectAsync().DefaultTimeout();

        var request = await h.Emulator.Requests.WhenReceived(0).DefaultTimeout();
        Assert.Equal("You are a phone agent for Acme.", request.System);
        Assert.All(request.Messages, m => Assert.NotEqual("system", m.Role));
    }

    [Fact]
    public async Task DefaultsSendConfiguredModelAndMaxTokens300()
    {
        await using var h = await AnthropicHarness.StartAsync();

        await h.Client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Hi")]).CollectAsync().DefaultTimeout();

        var request = await h.Emulator.Requests.WhenReceived(0).DefaultTimeout();
        Assert.Equal("claude-haiku-4-5", request.Model);
        Assert.Equal(300, request.MaxTokens);
        Assert.True(request.Stream);
    }

    [Fact]
    public async Task ChatOptionsOverrideModelAndMaxTokens()
    {
        await using var h = await AnthropicHarness.StartAsync();

        await h.Client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Hi")],
            new ChatOptions { ModelId = "claude-sonnet-4-5", MaxOutputTokens = 42 }).CollectAsync().DefaultTimeout();

        var request = await h.Emulator.Requests.WhenReceived(0).DefaultTimeout();
        Assert.Equal("claude-sonnet-4-5", request.Model);
        Assert.Equal(42, request.MaxTokens);
    }

    [Fact]
    public async Task ConversationIsSentInOrderWithRoles()
    {
        await using var h = await AnthropicHarness.StartAsync();

        await h.Client.GetStreamingResponseAsync(
        [
            new ChatMessage(ChatRole.User, "I need to book a table."),
            new ChatMessage(ChatRole.Assistant, "For how many people?"),
            new ChatMessage(ChatRole.User, "Four, tonight."),
        ]).CollectAsync().DefaultTimeout();

        var request = await h.Emulator.Requests.WhenReceived(0).DefaultTimeout();
        Assert.Equal(
            [("user", "I need to book a table."), ("assistant", "For how many people?"), ("user", "Four, tonight.")],
            request.Messages.Select(m => (m.Role, m.Text)));
    }

    [Fact]
    public async Task SdkRetriesAreOffByDefault()
    {
        await using var h = await AnthropicHarness.StartAsync();
        h.Emulator.EnqueueFault(Emulators.ChatScript.ChatFault.Http(529));

        await Assert.ThrowsAnyAsync<Exception>(() => h.Client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Hi")]).CollectAsync().DefaultTimeout());

        Assert.Equal(1, h.Emulator.Requests.Count);
        Assert.Equal(0, h.Emulator.PendingReplies);
    }
}
