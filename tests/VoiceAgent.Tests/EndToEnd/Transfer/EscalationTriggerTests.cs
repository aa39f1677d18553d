using System.Text.Json;
using System.Xml.Linq;
using VoiceAgent.Emulators.ChatScript;
using VoiceAgent.Emulators.Twilio;
using VoiceAgent.Emulators.Twilio.Rest;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.EndToEnd.Transfer;

/// <summary>
/// Each escalation trigger, over real sockets: it ends the session with live-agent hand-off data naming the trigger,
/// and the same warm transfer follows (the agent is dialled with the brief). Each can be switched off.
/// </summary>
public sealed class EscalationTriggerTests : IAsyncLifetime
{
    private TwilioRestEmulator _rest = null!;

    public async Task InitializeAsync() => _rest = await TransferHarness.StartRestAsync();
    public async Task DisposeAsync() => await _rest.DisposeAsync();

    private static async Task<JsonElement> HandoffAsync(ConversationRelayCaller caller)
    {
        var end = await caller.NextOfTypeAsync("end");
        using var doc = JsonDocument.Parse(end.HandoffData!);
        Assert.Equal("live-agent-handoff", doc.RootElement.GetProperty("reasonCode").GetString());
        return doc.RootElement.Clone();
    }

    /// <summary>The action callback answers the conference and the agent leg's brief holds <paramref name="expected"/>.</summary>
    private async Task AssertWarmTransferAsync(ConversationRelayCall call, string expected)
    {
        await call.FollowActionAsync().DefaultTimeout();
        Assert.Equal("xfer-" + call.CallSid, TransferHarness.Conference(call.LastActionTwiml!).Value);
        var leg = await _rest.WaitForCallAsync().DefaultTimeout();
        Assert.Contains(expected, XDocument.Parse(leg.Twiml!).Root!.Element("Say")!.Value, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_caller_asking_for_a_person_is_transferred_without_a_model_request()
    {
        await using var server = await TransferHarness.StartRelayAsync(_rest);
        await using var call = await server.DialAsync();
        await call.Caller.SendPromptAsync("Can I speak to a real person please?").DefaultTimeout();

        var handoff = await HandoffAsync(call.Caller);
        Assert.Equal("caller-request", handoff.GetProperty("trigger").GetString());
        Assert.Equal(0, server.Model.Requests.Count);
        await AssertWarmTransferAsync(call, "asked for a person");
    }

    [Fact]
    public async Task A_caller_asking_for_a_person_goes_to_the_model_when_the_trigger_is_off()
    {
        await using var server = await TransferHarness.StartRelayAsync(_rest, new Dictionary<string, string?> { ["ESCALATE_ON_REQUEST"] = "false" });
        await using var caller = await server.CallAsync();

        var reply = await caller.AskAsync("Can I speak to a real person please?");
        Assert.Contains("Emulated reply", reply, StringComparison.Ordinal);
        Assert.Equal(1, server.Model.Requests.Count);
    }

    [Fact]
    public async Task The_same_question_asked_three_times_escalates_on_the_third()
    {
        await using var server = await TransferHarness.StartRelayAsync(_rest);
        await using var call = await server.DialAsync();
        await call.Caller.AskAsync("Where is my parcel?");
        await call.Caller.AskAsync("Where is my parcel, the one I ordered?");
        await call.Caller.SendPromptAsync("Where is my parcel?").DefaultTimeout();

        var handoff = await HandoffAsync(call.Caller);
        Assert.Equal("loop", handoff.GetProperty("trigger").GetString());
        Assert.Equal(2, server.Model.Requests.Count);
        await AssertWarmTransferAsync(call, "asked 3 times");
    }

    [Fact]
    public async Task A_repeated_question_is_answered_normally_when_the_loop_trigger_is_off()
    {
        await using var server = await TransferHarness.StartRelayAsync(_rest, new Dictionary<string, string?> { ["ESCALATE_ON_LOOP"] = "false" });
        await using var caller = await server.CallAsync();
        for (var i = 0; i < 3; i++) Assert.Contains("Emulated reply", await caller.AskAsync("Where is my parcel?"), StringComparison.Ordinal);
        Assert.Equal(3, server.Model.Requests.Count);
    }

    [Fact]
    public async Task Strongly_negative_words_across_two_turns_escalate()
    {
        await using var server = await TransferHarness.StartRelayAsync(_rest);
        await using var call = await server.DialAsync();
        await call.Caller.AskAsync("This is terrible, my order never came.");
        await call.Caller.SendPromptAsync("You are useless and I am so angry.").DefaultTimeout();

        var handoff = await HandoffAsync(call.Caller);
        Assert.Equal("sentiment", handoff.GetProperty("trigger").GetString());
        await AssertWarmTransferAsync(call, "upset");
    }

    [Fact]
    public async Task One_angry_outburst_alone_does_not_escalate()
    {
        await using var server = await TransferHarness.StartRelayAsync(_rest);
        await using var caller = await server.CallAsync();
        Assert.Contains("Emulated reply", await caller.AskAsync("This is the worst, most useless, terrible service!"), StringComparison.Ordinal);
        Assert.Contains("Emulated reply", await caller.AskAsync("Anyway, what time do you open tomorrow?"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Negative_sentiment_is_answered_normally_when_the_trigger_is_off()
    {
        await using var server = await TransferHarness.StartRelayAsync(_rest, new Dictionary<string, string?> { ["ESCALATE_ON_SENTIMENT"] = "false" });
        await using var caller = await server.CallAsync();
        await caller.AskAsync("This is terrible, my order never came.");
        Assert.Contains("Emulated reply", await caller.AskAsync("You are useless and I am so angry."), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_models_cannot_answer_signal_escalates_with_the_question_in_the_brief()
    {
        await using var server = await TransferHarness.StartRelayAsync(_rest);
        server.Model.Enqueue(ChatReply.ToolCall("cannot_answer", """{"question":"Can I transfer my warranty to a new owner?"}"""));
        await using var call = await server.DialAsync();
        await call.Caller.SendPromptAsync("Can I transfer my warranty to a new owner?").DefaultTimeout();

        var handoff = await HandoffAsync(call.Caller);
        Assert.Equal("cannot-answer", handoff.GetProperty("trigger").GetString());
        await AssertWarmTransferAsync(call, "Can I transfer my warranty to a new owner?");
    }

    [Fact]
    public async Task Cannot_answer_is_not_offered_when_its_trigger_is_off()
    {
        await using var server = await TransferHarness.StartRelayAsync(_rest, new Dictionary<string, string?> { ["ESCALATE_ON_CANNOT_ANSWER"] = "false" });
        await using var caller = await server.CallAsync();
        await caller.AskAsync("hi");
        Assert.DoesNotContain("cannot_answer", (await server.Model.Requests.WhenReceived(0).DefaultTimeout()).ToolNames);
    }

    [Fact]
    public async Task The_models_own_escalation_goes_through_the_same_warm_transfer()
    {
        await using var server = await TransferHarness.StartRelayAsync(_rest);
        server.Model.Enqueue(ChatReply.ToolCall("escalate_to_human", """{"reason":"complex claim","summary":"The caller has a three-party insurance claim."}"""));
        await using var call = await server.DialAsync();
        await call.Caller.SendPromptAsync("I need help with a claim involving three cars.").DefaultTimeout();

        Assert.Equal("model", (await HandoffAsync(call.Caller)).GetProperty("trigger").GetString());
        await AssertWarmTransferAsync(call, "three-party insurance claim");
    }
}
