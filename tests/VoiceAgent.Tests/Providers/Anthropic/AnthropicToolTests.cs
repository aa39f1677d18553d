using Microsoft.Extensions.AI;
using VoiceAgent.Emulators.ChatScript;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.Providers.Anthropic;

public sealed class AnthropicToolTests
{
    [Fact]
    public async Task FunctionDeclarationsAreSentAsTools()
    {
        await using var h = await AnthropicHarness.StartAsync();

        await h.Client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Hi")],
            new ChatOptions { Tools = [ToolDeclarations.TransferCall, ToolDeclarations.EndCall] }).CollectAsync().DefaultTimeout();

        var request = await h.Emulator.Requests.WhenReceived(0).DefaultTimeout();
        Assert.Equal(["transfer_call", "end_call"], request.ToolNames);
        Assert.Contains("\"input_schema\"", request.RawJson, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ToolUseBlockBecomesFunctionCallContent()
    {
        await using var h = await AnthropicHarness.StartAsync();
        h.Emulator.Enqueue(ChatReply.ToolCall("transfer_call", """{"department":"billing"}""", id: "toolu_emul_01"));

        var updates = await h.Client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Billing please")],
            new ChatOptions { Tools = [ToolDeclarations.TransferCall] }).CollectAsync().DefaultTimeout();

        var call = ToolDeclarations.SingleCall(updates);
        Assert.Equal("transfer_call", call.Name);
        Assert.Equal("toolu_emul_01", call.CallId);
        Assert.Equal("billing", ToolDeclarations.StringArgument(call, "department"));
        Assert.Equal(ChatFinishReason.ToolCalls, updates.ToChatResponse().FinishReason);
    }

    [Fact]
    public async Task ToolResultRoundTripSendsToolUseAndToolResultBlocks()
    {
        await using var h = await AnthropicHarness.StartAsync();
        h.Emulator.Enqueue(ChatReply.ToolCall("transfer_call", """{"department":"billing"}"""));
        List<ChatMessage> history = [new(ChatRole.User, "Billing please")];
        var options = new ChatOptions { Tools = [ToolDeclarations.TransferCall] };

        var first = await h.Client.GetStreamingResponseAsync(history, options).CollectAsync().DefaultTimeout();
        var call = ToolDeclarations.SingleCall(first);
        history.AddRange(first.ToChatResponse().Messages);
        history.Add(new ChatMessage(ChatRole.Tool, [new FunctionResultContent(call.CallId, "transferred")]));
        var second = await h.Client.GetStreamingResponseAsync(history, options).CollectAsync().DefaultTimeout();

        var request = await h.Emulator.Requests.WhenReceived(1).DefaultTimeout();
        var toolUse = Assert.Single(request.Messages[1].ToolUses);
        Assert.Equal(("assistant", call.CallId, "transfer_call"), (request.Messages[1].Role, toolUse.Id, toolUse.Name));
        Assert.Contains("billing", toolUse.ArgumentsJson, StringComparison.Ordinal);
        var toolResult = Assert.Single(request.Messages[2].ToolResults);
        Assert.Equal(("user", call.CallId, "transferred"), (request.Messages[2].Role, toolResult.ToolUseId, toolResult.Content));
        Assert.Equal(DefaultChatReply.For("Billing please"), second.JoinText());
    }
}
