using System.Text.Json;
using Microsoft.Extensions.AI;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.Providers.OpenAI;

public sealed class OpenAIRequestTests
{
    [Fact]
    public async Task MessagesAreSentInOrderWithTheirRoles()
    {
        await using var h = await OpenAIHarness.StartAsync();

        await h.Client.GetStreamingResponseAsync(
        [
            new ChatMessage(ChatRole.System, "You are a phone agent for Acme."),
            new ChatMessage(ChatRole.User, "I need to book a table."),
            new ChatMessage(ChatRole.Assistant, "For how many people?"),
            new ChatMessage(ChatRole.User, "Four, tonight."),
        ]).CollectAsync().DefaultTimeout();

        var request = await h.Emulator.Requests.WhenReceived(0).DefaultTimeout();
        Assert.Equal("You are a phone agent for Acme.", request.System);
        Assert.Equal(
            [("system", "You are a phone agent for Acme."), ("user", "I need to book a table."), ("assistant", "For how many people?"), ("user", "Four, tonight.")],
            request.Messages.Select(m => (m.Role, m.Text)));
    }

    [Fact]
    public async Task DefaultsSendConfiguredModelMaxTokensAndUsageRequest()
    {
        await using var h = await OpenAIHarness.StartAsync();

        await h.Client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Hi")]).CollectAsync().DefaultTimeout();

        var request = await h.Emulator.Requests.WhenReceived(0).DefaultTimeout();
        Assert.Equal(("gpt-4o", 300, true), (request.Model, request.MaxTokens, request.Stream));
        using var raw = JsonDocument.Parse(request.RawJson);
        Assert.True(raw.RootElement.GetProperty("stream_options").GetProperty("include_usage").GetBoolean());
    }

    [Fact]
    public async Task ChatOptionsOverrideModelAndMaxTokens()
    {
        await using var h = await OpenAIHarness.StartAsync();

        var updates = await h.Client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Hi")],
            new ChatOptions { ModelId = "gpt-4o-mini", MaxOutputTokens = 42 }).CollectAsync().DefaultTimeout();

        var request = await h.Emulator.Requests.WhenReceived(0).DefaultTimeout();
        Assert.Equal(("gpt-4o-mini", 42), (request.Model, request.MaxTokens));
        Assert.Equal("gpt-4o-mini", updates.ToChatResponse().ModelId);
    }

    [Fact]
    public async Task InstructionsBecomeALeadingSystemMessage()
    {
        await using var h = await OpenAIHarness.StartAsync();

        await h.Client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Hi")],
            new ChatOptions { Instructions = "Be brief." }).CollectAsync().DefaultTimeout();

        var request = await h.Emulator.Requests.WhenReceived(0).DefaultTimeout();
        Assert.Equal([("system", "Be brief."), ("user", "Hi")], request.Messages.Select(m => (m.Role, m.Text)));
    }

    [Fact]
    public async Task SdkRetriesAreOffByDefault()
    {
        await using var h = await OpenAIHarness.StartAsync();
        h.Emulator.EnqueueFault(Emulators.ChatScript.ChatFault.Http(503));

        await Assert.ThrowsAnyAsync<Exception>(() => h.Client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Hi")]).CollectAsync().DefaultTimeout());

        Assert.Equal(1, h.Emulator.Requests.Count);
    }
}
