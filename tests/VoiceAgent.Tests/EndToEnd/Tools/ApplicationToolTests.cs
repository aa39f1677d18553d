using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using VoiceAgent.Conversation;
using VoiceAgent.Emulators.ChatScript;
using VoiceAgent.Emulators.OpenAI;
using VoiceAgent.Emulators.Twilio;
using VoiceAgent.Hosting;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.EndToEnd.Tools;

/// <summary>
/// Tools the application registers with AddVoiceAgentTool, end to end on both providers' emulators: the streamed
/// tool call runs the handler, its answer goes back as a real tool result, the text said before the call stays, a
/// slow tool gets a filler line, a hung one times out, a failing one is reported, and the steps per turn are bounded.
/// </summary>
public sealed class ApplicationToolTests : IAsyncLifetime
{
    private const string Schema = """{"type":"object","properties":{"order":{"type":"string"}},"required":["order"]}""";
    private readonly List<IAsyncDisposable> _owned = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var owned in Enumerable.Reverse(_owned)) await owned.DisposeAsync();
    }

    /// <summary>A relay server on <paramref name="provider"/>'s emulator with the <c>lookup_order</c> tool registered.</summary>
    private async Task<(RelayServer Server, ChatEmulatorHost Model)> StartAsync(string provider, Func<ToolInvocation, CancellationToken, ValueTask<string>> handler, Dictionary<string, string?>? settings = null)
    {
        settings ??= [];
        ChatEmulatorHost? openAi = null;
        if (provider == "openai")
        {
            var emulator = new OpenAIEmulator(new() { ApiKey = "test-key", InterTokenDelay = TimeSpan.FromMilliseconds(1) });
            await emulator.StartAsync().DefaultTimeout();
            _owned.Add(emulator);
            openAi = emulator;
            settings["LLM_PROVIDER"] = "openai";
            settings["OPENAI_API_KEY"] = "test-key";
            settings["OPENAI_BASE_URL"] = emulator.BaseUrl + "v1";
        }
        var server = await RelayServer.StartAsync(settings, services: s => s.AddVoiceAgentTool("lookup_order", "Looks up an order's delivery date.", Schema, handler));
        _owned.Add(server);
        return (server, openAi ?? server.Model);
    }

    private static ChatReply TextThenLookup(string text) => new()
    {
        TextChunks = [text],
        ToolCalls = [new ChatToolCallScript("lookup_order", """{"order":"42"}""")],
    };

    [Theory]
    [InlineData("anthropic")]
    [InlineData("openai")]
    public async Task A_tool_result_goes_back_to_the_model_as_a_real_tool_message(string provider)
    {
        JsonElement? arguments = null;
        var (server, model) = await StartAsync(provider, (call, _) => { arguments = call.Arguments.Clone(); return ValueTask.FromResult("Order 42 ships Friday."); });
        model.Enqueue(TextThenLookup("Let me check."));
        model.Enqueue(ChatReply.Text("It ships Friday."));
        await using var caller = await server.CallAsync();

        await caller.AskAsync("When does order 42 arrive?");

        Assert.Equal("42", arguments!.Value.GetProperty("order").GetString());
        var followUp = await model.Requests.WhenReceived(1).DefaultTimeout();
        var use = followUp.Messages.Single(m => m.ToolUses.Count > 0).ToolUses.Single();
        Assert.Equal("lookup_order", use.Name);
        Assert.Equal("42", JsonDocument.Parse(use.ArgumentsJson).RootElement.GetProperty("order").GetString());
        var result = followUp.Messages.Single(m => m.ToolResults.Count > 0).ToolResults.Single();
        Assert.Equal((use.Id, "Order 42 ships Friday."), (result.ToolUseId, result.Content));
    }

    [Theory]
    [InlineData("anthropic")]
    [InlineData("openai")]
    public async Task Text_spoken_before_a_tool_call_is_kept_in_the_reply_and_in_the_next_request(string provider)
    {
        var (server, model) = await StartAsync(provider, (_, _) => ValueTask.FromResult("Order 42 ships Friday."));
        model.Enqueue(TextThenLookup("Let me check."));
        model.Enqueue(ChatReply.Text("It ships Friday."));
        await using var caller = await server.CallAsync();

        Assert.Equal("Let me check. It ships Friday.", await caller.AskAsync("When does order 42 arrive?"));
        var followUp = await model.Requests.WhenReceived(1).DefaultTimeout();
        Assert.Contains(followUp.Messages, m => m.Role == "assistant" && m.Text.Contains("Let me check.", StringComparison.Ordinal) && m.ToolUses.Count == 1);
    }

    [Fact]
    public async Task A_slow_tool_makes_the_agent_say_the_filler_line_while_it_runs()
    {
        var release = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var (server, model) = await StartAsync("anthropic", async (_, ct) => await release.Task.WaitAsync(ct),
            new() { ["TOOL_FILLER_AFTER_MS"] = "50", ["TOOL_FILLER_LINE"] = "Bear with me." });
        model.Enqueue(ChatReply.ToolCall("lookup_order", """{"order":"42"}"""));
        model.Enqueue(ChatReply.Text("It ships Friday."));
        await using var caller = await server.CallAsync();
        await caller.SendPromptAsync("When does order 42 arrive?").DefaultTimeout();

        var filler = await caller.NextOfTypeAsync("text");
        Assert.Equal("Bear with me. ", filler.Token);
        Assert.False(filler.Last);
        release.SetResult("Order 42 ships Friday.");
        var rest = "";
        for (var i = 0; i < 100; i++)
        {
            var token = await caller.NextOfTypeAsync("text");
            rest += token.Token;
            if (token.Last) break;
        }
        Assert.Equal("It ships Friday.", rest);
    }

    [Fact]
    public async Task A_tool_that_never_answers_is_cut_at_the_timeout_and_the_model_is_told()
    {
        var (server, model) = await StartAsync("anthropic", async (_, ct) => { await Task.Delay(Timeout.Infinite, ct); return "never"; },
            new() { ["TOOL_FILLER_AFTER_MS"] = "100", ["TOOL_TIMEOUT_MS"] = "300" });
        model.Enqueue(ChatReply.ToolCall("lookup_order", """{"order":"42"}"""));
        model.Enqueue(ChatReply.Text("Sorry, the order system is not answering."));
        await using var caller = await server.CallAsync();

        Assert.Contains("not answering", await caller.AskAsync("When does order 42 arrive?"), StringComparison.Ordinal);
        var result = (await model.Requests.WhenReceived(1).DefaultTimeout()).Messages.Single(m => m.ToolResults.Count > 0).ToolResults.Single();
        Assert.StartsWith("not performed: the tool lookup_order did not answer", result.Content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failing_tool_is_reported_as_failed_without_its_exception_text()
    {
        var (server, model) = await StartAsync("anthropic", (_, _) => throw new InvalidOperationException("db password hunter2 rejected"));
        model.Enqueue(ChatReply.ToolCall("lookup_order", """{"order":"42"}"""));
        model.Enqueue(ChatReply.Text("I can't look that up right now."));
        await using var caller = await server.CallAsync();

        await caller.AskAsync("When does order 42 arrive?");
        var result = (await model.Requests.WhenReceived(1).DefaultTimeout()).Messages.Single(m => m.ToolResults.Count > 0).ToolResults.Single();
        Assert.Equal("not performed: the tool lookup_order failed", result.Content);
    }

    [Theory]
    [InlineData("anthropic", "\"tool_choice\":{\"type\":\"none\"")]
    [InlineData("openai", "\"tool_choice\":\"none\"")]
    public async Task After_the_last_tool_step_tool_use_is_switched_off_and_the_turn_still_speaks(string provider, string toolChoiceNone)
    {
        var runs = 0;
        var (server, model) = await StartAsync(provider, (_, _) => { Interlocked.Increment(ref runs); return ValueTask.FromResult("Order 42 ships Friday."); },
            new() { ["TOOL_MAX_STEPS"] = "1" });
        model.Enqueue(ChatReply.ToolCall("lookup_order", """{"order":"42"}"""));
        model.Enqueue(ChatReply.ToolCall("lookup_order", """{"order":"43"}""")); // ignores tool_choice none
        await using var caller = await server.CallAsync();

        var reply = await caller.AskAsync("When does order 42 arrive?");

        Assert.Equal(1, runs);
        Assert.Contains(toolChoiceNone, (await model.Requests.WhenReceived(1).DefaultTimeout()).RawJson, StringComparison.Ordinal);
        Assert.Equal(new AgentOptions().FallbackLine, reply);
    }

    [Fact]
    public void Registering_a_tool_with_a_built_in_name_or_a_bad_schema_fails_at_start_up()
    {
        var services = new ServiceCollection();
        var builtIn = Assert.Throws<ArgumentException>(() => services.AddVoiceAgentTool("end_call", "x", Schema, (_, _) => ValueTask.FromResult("")));
        Assert.Contains("built-in", builtIn.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => services.AddVoiceAgentTool("lookup", "x", """{"type":"string"}""", (_, _) => ValueTask.FromResult("")));
        Assert.Throws<ArgumentException>(() => services.AddVoiceAgentTool("lookup", "x", "{not json", (_, _) => ValueTask.FromResult("")));
    }

    [Fact]
    public async Task The_application_tool_is_offered_to_the_model_beside_the_call_control_tools()
    {
        var (server, model) = await StartAsync("anthropic", (_, _) => ValueTask.FromResult(""));
        await using var caller = await server.CallAsync();
        await caller.AskAsync("hi");
        Assert.Contains("lookup_order", (await model.Requests.WhenReceived(0).DefaultTimeout()).ToolNames);
    }
}
