using VoiceAgent.Conversation;
using VoiceAgent.Emulators.ChatScript;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.EndToEnd;

/// <summary>Every provider fault yields a spoken fallback and the next turn works.</summary>
public sealed class RelayProviderFaultTests : IAsyncLifetime
{
    private RelayServer _server = null!;
    private static readonly string Fallback = new AgentOptions().FallbackLine;

    public async Task InitializeAsync() => _server = await RelayServer.StartAsync(new Dictionary<string, string?>
    {
        ["MODEL_FIRST_TOKEN_TIMEOUT_MS"] = "1500",
        ["MODEL_STALL_TIMEOUT_MS"] = "500",
    });
    public async Task DisposeAsync() => await _server.DisposeAsync();

    public static TheoryData<string> Faults => ["429", "529", "500", "mid-stream error", "stall before first token", "stall mid-reply", "dropped stream"];

    private static ChatFault FaultFor(string name) => name switch
    {
        "429" => ChatFault.RateLimited(TimeSpan.FromSeconds(2)),
        "529" => ChatFault.Http(529),
        "500" => ChatFault.ServerError(),
        "mid-stream error" => ChatFault.StreamError(afterDeltas: 1),
        "stall before first token" => ChatFault.Stall(afterDeltas: 0),
        "stall mid-reply" => ChatFault.Stall(afterDeltas: 2),
        _ => ChatFault.Drop(afterDeltas: 1),
    };

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task A_provider_fault_speaks_the_fallback_and_the_next_turn_works(string fault)
    {
        _server.Model.EnqueueFault(FaultFor(fault));
        _server.Model.Enqueue(ChatReply.Text("Back to normal."));
        await using var caller = await _server.CallAsync();

        var first = await caller.AskAsync("Hello?");
        Assert.EndsWith(Fallback, first, StringComparison.Ordinal);

        Assert.Equal("Back to normal.", await caller.AskAsync("Hello again?"));
    }
}
