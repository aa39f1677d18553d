using System.Text.Json;
using Microsoft.Extensions.AI;
using VoiceAgent.Emulators.ChatScript;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.Providers.OpenAI;

public sealed class OpenAIToolTests
{
    [Fact]
    public async Task FunctionDeclarationsAreSentAsFunctionTools()
    {
        await using var h = await OpenAIHarness.StartAsync();

        await h.Client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Hi")],
            new ChatOptions { Tools = [ToolDeclarations.TransferCall, ToolDeclarations.EndCall], ToolMode = ChatToolMode.Auto }).CollectAsync().DefaultTimeout();

        var request = await h.Emulator.Requests.WhenReceived(0).DefaultTimeout();
        Assert.Equal(["transfer_call", "end_call"], request.ToolNames);
        using var raw = JsonDocument.Parse(request.RawJson);
        var tool = raw.RootElement.GetProperty("tools")[0];
        Assert.Equal("function", tool.GetProperty("type").GetString());
        Assert.Equal("object", tool.GetProperty("function").GetProperty("parameters").GetProperty("type").GetString());
        Assert.Equal("auto", raw.RootElement.GetProperty("tool_choice").GetString());
    }

    [Fact]
    public async Task ToolCallFragmentsAreAssembledIntoOneFunctionCallAtFinish()
    {
        await using var h = await OpenAIHarness.StartAsync();
        h.Emulator.Enqueue(ChatReply.ToolCall("transfer_call", """{"department":"billing","reason":"refund request"}""", id: "call_emul01"));

        var updates = await h.Client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Billing please")],
            new ChatOptions { Tools = [ToolDeclarations.TransferCall] }).CollectAsync().DefaultTimeout();

        var call = ToolDeclarations.SingleCall(updates);
        Assert.Equal(("transfer_call", "call_emul01"), (call.Name, call.CallId));
        Assert.Equal("billing", ToolDeclarations.StringArgument(call, "department"));
        Assert.Equal("refund request", ToolDeclarations.StringArgument(call, "reason"));
        var finishing = Assert.Single(updates, u => u.FinishReason is not null);
        Assert.Equal(ChatFinishReason.ToolCalls, finishing.FinishReason);
        Assert.Contains(call, finishing.Contents);
    }

    [Fact]
    public async Task TextBeforeAToolCallStreamsFirst()
    {
        await using var h = await OpenAIHarness.StartAsync();
        h.Emulator.Enqueue(ChatReply.Text("One moment. ") with { ToolCalls = [new ChatToolCallScript("end_call", "{}")] });

        var updates = await h.Client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Bye")],
            new ChatOptions { Tools = [ToolDeclarations.EndCall] }).CollectAsync().DefaultTimeout();

        Assert.Equal("One moment. ", updates.JoinText());
        var call = ToolDeclarations.SingleCall(updates);
        Assert.Equal("end_call", call.Name);
        Assert.Empty(call.Arguments ?? new Dictionary<string, object?>());
        Assert.True(updates.FindIndex(u => u.Text.Length > 0) < updates.FindIndex(u => u.Contents.OfType<FunctionCallContent>().Any()));
    }

    [Fact]
    public async Task ToolResultRoundTripSendsAssistantToolCallsAndToolMessage()
    {
        await using var h = await OpenAIHarness.StartAsync();
        h.Emulator.Enqueue(ChatReply.ToolCall("transfer_call", """{"department":"billing"}"""));
        List<ChatMessage> history = [new(ChatRole.User, "Billing please")];
        var options = new ChatOptions { Tools = [ToolDeclarations.TransferCall] };

        var first = await h.Client.GetStreamingResponseAsync(history, options).CollectAsync().DefaultTimeout();
        var call = ToolDeclarations.SingleCall(first);
        history.AddRange(first.ToChatResponse().Messages);
        history.Add(new ChatMessage(ChatRole.Tool, [new FunctionResultContent(call.CallId, "transferred")]));
        var second = await h.Client.GetStreamingResponseAsync(history, options).CollectAsync().DefaultTimeout();

        var request = await h.Emulator.Requests.WhenReceived(1).DefaultTimeout();
        Assert.Equal(["user", "assistant", "tool"], request.Messages.Select(m => m.Role));
        var toolUse = Assert.Single(request.Messages[1].ToolUses);
        Assert.Equal((call.CallId, "transfer_call"), (toolUse.Id, toolUse.Name));
        using var arguments = JsonDocument.Parse(toolUse.ArgumentsJson);
        Assert.Equal("billing", arguments.RootElement.GetProperty("department").GetString());
        Assert.Equal(new Emulators.ChatScript.RecordedToolResult(call.CallId, "transferred"), Assert.Single(request.Messages[2].ToolResults));
        Assert.Equal(DefaultChatReply.For("Billing please"), second.JoinText());
    }
}
