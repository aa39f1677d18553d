using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using VoiceAgent.Conversation.Pacing;
using VoiceAgent.Tests.TestSupport;
using static VoiceAgent.Tests.Storage.RecordsTestSupport;

namespace VoiceAgent.Tests.EndToEnd.Compliance;

/// <summary>
/// Silence after the agent spoke, over real ConversationRelay sockets with the server on a manual clock: the test
/// waits until the silence watch is set (due at timeout + the last line's speaking time) and moves time to it.
/// </summary>
public sealed class SilenceTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(8);
    private static readonly SilenceOptions Lines = new();
    private readonly ManualTimeProvider _clock = new();
    private RelayServer _server = null!;

    public async Task InitializeAsync() => _server = await RelayServer.StartAsync(new Dictionary<string, string?>
    {
        ["SILENCE_TIMEOUT_MS"] = "8000",
        ["SILENCE_REPROMPTS"] = "1",
        ["SEND_STALL_TIMEOUT_MS"] = RelayServer.LongTimeoutMs,
        ["SOCKET_START_TIMEOUT_MS"] = RelayServer.LongTimeoutMs,
    }, services: s => s.Replace(ServiceDescriptor.Singleton<TimeProvider>(_clock)));

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_silent_caller_is_asked_if_still_there_then_the_call_ends_politely()
    {
        await using var caller = await _server.CallAsync();
        var reply = await caller.AskAsync("Hello?");

        await AdvancePastSilenceAsync(reply);
        Assert.Equal(Lines.RepromptLine, (await caller.ReadReplyAsync(0).DefaultTimeout()).Text);
        await AdvancePastSilenceAsync(Lines.RepromptLine);
        Assert.Equal(Lines.GoodbyeLine, (await caller.ReadReplyAsync(0).DefaultTimeout()).Text);

        var end = await caller.NextOfTypeAsync("end");
        using var handoff = JsonDocument.Parse(end.HandoffData!);
        Assert.Equal("agent-ended", handoff.RootElement.GetProperty("reasonCode").GetString());
        Assert.Equal("no response from the caller", handoff.RootElement.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task A_caller_who_answers_the_reprompt_carries_on_and_gets_a_fresh_reprompt_later_not_a_hang_up()
    {
        await using var caller = await _server.CallAsync();
        var reply = await caller.AskAsync("Hello?");
        await AdvancePastSilenceAsync(reply);
        Assert.Equal(Lines.RepromptLine, (await caller.ReadReplyAsync(0).DefaultTimeout()).Text);

        var answer = await caller.AskAsync("Yes, sorry, I'm here.");
        Assert.StartsWith("Emulated reply to: Yes, sorry", answer, StringComparison.Ordinal);
        await AdvancePastSilenceAsync(answer);
        Assert.Equal(Lines.RepromptLine, (await caller.ReadReplyAsync(0).DefaultTimeout()).Text);
        Assert.False(caller.EndReceived);
    }

    /// <summary>Waits until the silence watch for <paramref name="lastLine"/> is set, then moves the clock to it.</summary>
    private async Task AdvancePastSilenceAsync(string lastLine)
    {
        var due = Timeout + Lines.SpeakingTimePerChar * lastLine.Length;
        await WaitUntilAsync(() => _clock.HasTimerDueIn(due), "the silence watch to be set");
        _clock.Advance(due);
    }
}
