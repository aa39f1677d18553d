using VoiceAgent.Conversation;
using VoiceAgent.Emulators.ChatScript;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.EndToEnd;

/// <summary>
/// Every provider fault the first-token race cannot cover yields a spoken fallback, and the next turn works. A
/// fault before the first token is covered by a second request, so here it strikes both (the race itself is in
/// RelayModelRaceTests); a fault after a token reached the caller gets no second request at all.
/// </summary>
public sealed class RelayProviderFaultTests : IAsyncLifetime
{
    private RelayServer _server = null!;
    private static readonly string Fallback = new AgentOptions().FallbackLine;

    public async Task InitializeAsync() => _server = await RelayServer.StartAsync(new Dictionary<string, string?>
    {
        // Only a failure or the give-up deadline may start a second request here, never a slow machine.
        ["MODEL_FIRST_TOKEN_TIMEOUT_MS"] = RelayServer.LongTimeoutMs,
        ["MODEL_GIVE_UP_TIMEOUT_MS"] = "3000",
        ["MODEL_STALL_TIMEOUT_MS"] = "500",
    });
    public async Task DisposeAsync() => await _server.DisposeAsync();

    public static TheoryData<string> FaultsBeforeTheFirstToken => ["429", "529", "500", "stall before first token"];

    public static TheoryData<string> FaultsAfterTheFirstToken => ["mid-stream error", "stall mid-reply", "dropped stream"];

    private static ChatFault FaultFor(string name) => name switch
    {
        "429" => ChatFault.RateLimited(TimeSpan.FromSeconds(2)),
        "529" => ChatFault.Http(529),
        "500" => ChatFault.ServerError(),
        "stall before first token" => ChatFault.Stall(afterDeltas: 0),
        "mid-stream error" => ChatFault.StreamError(afterDeltas: 2),
        "stall mid-reply" => ChatFault.Stall(afterDeltas: 2),
        _ => ChatFault.Drop(afterDeltas: 2),
    };

    [Theory]
    [MemberData(nameof(FaultsBeforeTheFirstToken))]
    public async Task A_fault_before_the_first_token_on_both_raced_requests_speaks_the_fallback_and_the_next_turn_works(string fault)
    {
        _server.Model.EnqueueFault(FaultFor(fault));
        _server.Model.EnqueueFault(FaultFor(fault));
        _server.Model.Enqueue(ChatReply.Text("Back to normal."));
        await using var caller = await _server.CallAsync();

        Assert.Equal(Fallback, await caller.AskAsync("Hello?"));
        Assert.Equal(2, _server.Model.Requests.Count);

        Assert.Equal("Back to normal.", await caller.AskAsync("Hello again?"));
    }

    [Theory]
    [MemberData(nameof(FaultsAfterTheFirstToken))]
    public async Task A_fault_after_the_first_token_speaks_the_fallback_without_a_second_request_and_the_next_turn_works(string fault)
    {
        // The fault strikes only once the caller has the first token: a dropped connection could otherwise take
        // unread tokens with it, and then no token would have reached the caller.
        var callerHasAToken = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _server.Model.Enqueue(ChatReply.Failing(FaultFor(fault)) with { Gate = callerHasAToken.Task, GateAfterDeltas = 1 });
        _server.Model.Enqueue(ChatReply.Text("Back to normal."));
        await using var caller = await _server.CallAsync();

        var sentAt = await caller.SendPromptAsync("Hello?").DefaultTimeout();
        var firstToken = await caller.NextOfTypeAsync("text");
        callerHasAToken.SetResult();
        var rest = await caller.ReadReplyAsync(sentAt).DefaultTimeout();

        Assert.False(firstToken.Last);
        Assert.EndsWith(Fallback, rest.Text, StringComparison.Ordinal);
        Assert.Equal(1, _server.Model.Requests.Count);

        Assert.Equal("Back to normal.", await caller.AskAsync("Hello again?"));
    }
}
