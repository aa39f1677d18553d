using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.AI;
using VoiceAgent.Conversation;
using VoiceAgent.Conversation.Tools;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.Conversation;

/// <summary>What the model is told about its tool calls matches what happened, and it is offered only what the transport can do.</summary>
public sealed class ToolResultTests
{
    private static readonly AgentOptions Agent = new() { HoldMusicUrl = "https://cdn.example.com/hold.mp3" };
    private static ChatOptions FullToolSet() => new() { MaxOutputTokens = 300, Tools = AgentTools.Declarations(Agent) };

    [Fact]
    public async Task A_rejected_second_tool_call_in_one_step_is_reported_as_not_performed()
    {
        var model = new ScriptedModel(
            [Call("c1", AgentTools.SwitchLanguageName, """{"language":"es-US"}"""), Call("c2", AgentTools.SendDigitsName, """{"digits":"rm -rf /"}""")],
            [new TextContent("Claro.")]);
        await using var call = new SessionHarness(model, Agent, FullToolSet());
        await call.StartCallAsync();
        await call.SayAsync("¿Habla español? And dial something weird.");

        Assert.Equal(new SwitchLanguage("es-US", "es-US"), await call.Transport.NextAsync<SwitchLanguage>());
        Assert.Equal("Claro.", await call.Transport.NextReplyAsync());
        var results = model.ToolResultsOf(1);
        Assert.Equal("done: switched the language to es-US", results["c1"]);
        Assert.StartsWith(TurnRunner.NotPerformed, results["c2"], StringComparison.Ordinal);
        Assert.Contains("invalid", results["c2"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Each_tool_call_in_one_step_gets_its_own_result()
    {
        var model = new ScriptedModel(
            [Call("c1", AgentTools.SendDigitsName, """{"digits":"12"}"""), Call("c2", AgentTools.PlayHoldMusicName, "{}")],
            [new TextContent("Done.")]);
        await using var call = new SessionHarness(model, Agent, FullToolSet());
        await call.StartCallAsync();
        await call.SayAsync("Dial 12 and put me on hold.");

        Assert.Equal("12", (await call.Transport.NextAsync<SendDigits>()).Digits);
        Assert.Equal(Agent.HoldMusicUrl, (await call.Transport.NextAsync<PlayAudio>()).Source);
        Assert.Equal("Done.", await call.Transport.NextReplyAsync());
        var results = model.ToolResultsOf(1);
        Assert.Equal("done: sent the digits 12", results["c1"]);
        Assert.Equal("done: played hold music", results["c2"]);
    }

    [Fact]
    public async Task Tools_the_transport_cannot_carry_out_are_not_offered_to_the_model()
    {
        var model = new ScriptedModel([new TextContent("Hello.")]);
        await using var call = new SessionHarness(model, Agent, FullToolSet(), CallCapabilities.SendDigits);
        await call.StartCallAsync();
        await call.SayAsync("Hi");
        await call.Transport.NextReplyAsync();

        Assert.Equal([AgentTools.EscalateToHumanName, AgentTools.EndCallName, AgentTools.SendDigitsName, AgentTools.CannotAnswerName], model.OfferedTools[0]);
    }

    [Fact]
    public async Task A_call_to_a_tool_the_transport_cannot_carry_out_is_reported_as_not_performed_and_nothing_is_sent()
    {
        var model = new ScriptedModel([Call("c1", AgentTools.SendDigitsName, """{"digits":"123"}""")], [new TextContent("Sorry, I cannot dial from here.")]);
        await using var call = new SessionHarness(model, Agent, FullToolSet(), CallCapabilities.None);
        await call.StartCallAsync();
        await call.SayAsync("Dial 123.");

        Assert.Equal("Sorry, I cannot dial from here.", await call.Transport.NextReplyAsync()); // no SendDigits before the reply
        Assert.Equal("not performed: tool 'send_digits' is not available on this call", model.ToolResultsOf(1)["c1"]);
        Assert.False(call.Transport.TryRead(out var extra), $"unexpected command {extra}");
    }

    private static FunctionCallContent Call(string id, string name, string argumentsJson)
        => new(id, name, JsonSerializer.Deserialize<Dictionary<string, object?>>(argumentsJson));

    /// <summary>Answers request N with the Nth scripted list of contents; records the messages and offered tools.</summary>
    private sealed class ScriptedModel(params AIContent[][] rounds) : IChatClient
    {
        private readonly List<List<ChatMessage>> _requests = [];
        public List<IReadOnlyList<string>> OfferedTools { get; } = [];

        public Dictionary<string, string> ToolResultsOf(int request)
        {
            lock (_requests)
                return _requests[request].SelectMany(m => m.Contents.OfType<FunctionResultContent>())
                    .ToDictionary(r => r.CallId, r => r.Result?.ToString() ?? "");
        }

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            int index;
            lock (_requests)
            {
                _requests.Add(messages.Select(m => m.Clone()).ToList());
                OfferedTools.Add(options?.Tools?.Select(t => t.Name).ToList() ?? []);
                index = _requests.Count - 1;
            }
            await Task.Yield();
            cancellationToken.ThrowIfCancellationRequested();
            yield return new ChatResponseUpdate(ChatRole.Assistant, index < rounds.Length ? [.. rounds[index]] : [new TextContent("(unscripted)")]);
        }

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
            => throw new NotSupportedException("The engine only streams.");

        public object? GetService(Type serviceType, object? serviceKey = null) => null;
        public void Dispose() { }
    }
}
