using System.Text.Json;
using System.Xml.Linq;
using VoiceAgent.Emulators.ChatScript;
using VoiceAgent.Emulators.Twilio;
using VoiceAgent.Emulators.Twilio.Rest;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.EndToEnd.Transfer;

/// <summary>
/// The warm transfer on ConversationRelay, over real sockets: the model's escalate_to_human ends the session with
/// hand-off data, Twilio's action callback gets conference TwiML for the caller, the agent is dialled over the Twilio
/// REST emulator with TwiML that plays the brief before joining; every failure ends in voicemail, never silence.
/// </summary>
public sealed class RelayWarmTransferTests : IAsyncLifetime
{
    private TwilioRestEmulator _rest = null!;

    public async Task InitializeAsync() => _rest = await TransferHarness.StartRestAsync();
    public async Task DisposeAsync() => await _rest.DisposeAsync();

    private static async Task<ConversationRelayCall> EscalateAsync(RelayServer server)
    {
        server.Model.Enqueue(ChatReply.ToolCall("escalate_to_human", """{"reason":"billing dispute","summary":"Dana wants a refund for a double charge on the March invoice."}"""));
        var call = await server.DialAsync();
        await call.Caller.SendPromptAsync("I was charged twice in March.").DefaultTimeout();
        var end = await call.Caller.NextOfTypeAsync("end");
        Assert.Contains("double charge", end.HandoffData!, StringComparison.Ordinal);
        return call;
    }

    [Fact]
    public async Task An_escalation_puts_the_caller_in_a_conference_with_hold_audio()
    {
        await using var server = await TransferHarness.StartRelayAsync(_rest);
        await using var call = await EscalateAsync(server);

        Assert.Equal("Dial", await call.FollowActionAsync().DefaultTimeout());

        var room = TransferHarness.Conference(call.LastActionTwiml!);
        Assert.Equal("xfer-" + call.CallSid, room.Value);
        Assert.Equal("false", room.Attribute("startConferenceOnEnter")!.Value);
        Assert.Equal("true", room.Attribute("endConferenceOnExit")!.Value);
        Assert.Equal(TransferHarness.HoldMusic, room.Attribute("waitUrl")!.Value);
    }

    [Fact]
    public async Task The_agent_is_dialled_and_hears_the_reason_and_summary_before_joining_the_same_room()
    {
        await using var server = await TransferHarness.StartRelayAsync(_rest);
        await using var call = await EscalateAsync(server);
        await call.FollowActionAsync().DefaultTimeout();

        var leg = await _rest.WaitForCallAsync().DefaultTimeout();
        Assert.Equal(TransferHarness.AgentNumber, leg.To);
        Assert.Equal("+18005550101", leg.From); // the number the caller dialled
        var agentTwiml = XDocument.Parse(leg.Twiml!).Root!;
        var brief = agentTwiml.Elements().First();
        Assert.Equal("Say", brief.Name.LocalName);
        Assert.Contains("billing dispute", brief.Value, StringComparison.Ordinal);
        Assert.Contains("Dana wants a refund for a double charge on the March invoice.", brief.Value, StringComparison.Ordinal);
        var room = TransferHarness.Conference(leg.Twiml!);
        Assert.Equal("xfer-" + call.CallSid, room.Value);
        Assert.Equal("true", room.Attribute("startConferenceOnEnter")!.Value);

        // The emulated agent answered: it heard the brief, then joined; the room started.
        var agent = await _rest.WaitForParticipantAsync("xfer-" + call.CallSid, "agent").DefaultTimeout();
        var conference = _rest.Conference("xfer-" + call.CallSid)!;
        Assert.Contains("billing dispute", agent.SaidBeforeJoining, StringComparison.Ordinal);
        Assert.Equal("in-progress", conference.Status);
    }

    [Fact]
    public async Task The_ai_leaves_the_call_once_the_caller_is_in_the_conference()
    {
        await using var server = await TransferHarness.StartRelayAsync(_rest);
        await using var call = await EscalateAsync(server);
        await call.FollowActionAsync().DefaultTimeout();

        Assert.True(call.Caller.Closed);
        Assert.Equal(1, call.Sessions); // the action answered the conference, not a new AI session
        Assert.Equal(1, server.Model.Requests.Count); // one model request: the one that escalated
    }

    [Theory]
    [InlineData("no-answer")]
    [InlineData("busy")]
    [InlineData("failed")]
    public async Task An_agent_who_cannot_be_reached_sends_the_waiting_caller_to_voicemail(string outcome)
    {
        _rest.SetCallee(TransferHarness.AgentNumber, outcome switch { "busy" => CalleeBehavior.Busy, "no-answer" => CalleeBehavior.NoAnswer, _ => CalleeBehavior.Failed });
        await using var server = await TransferHarness.StartRelayAsync(_rest);
        await using var call = await EscalateAsync(server);
        await call.FollowActionAsync().DefaultTimeout();

        var callback = await _rest.WaitForStatusCallbackAsync().DefaultTimeout();
        Assert.Equal((outcome, 204), (callback.CallStatus, callback.AnsweredStatus));
        var moved = await _rest.WaitForUpdateAsync().DefaultTimeout();
        Assert.Equal(call.CallSid, moved.CallSid);
        TransferHarness.AssertVoicemail(moved.Parameters["Twiml"]);
    }

    [Fact]
    public async Task A_rest_error_dialling_the_agent_answers_voicemail_instead_of_the_conference()
    {
        _rest.FailNext(500);
        await using var server = await TransferHarness.StartRelayAsync(_rest);
        await using var call = await EscalateAsync(server);

        Assert.Equal("Say", await call.FollowActionAsync().DefaultTimeout());
        TransferHarness.AssertVoicemail(call.LastActionTwiml!);
        Assert.Empty(_rest.CreatedCalls);
    }

    [Fact]
    public async Task Without_a_transfer_number_the_caller_is_told_and_offered_voicemail()
    {
        await using var server = await TransferHarness.StartRelayAsync(_rest, new Dictionary<string, string?> { ["TRANSFER_NUMBER"] = null });
        await using var call = await EscalateAsync(server);

        await call.FollowActionAsync().DefaultTimeout();
        TransferHarness.AssertVoicemail(call.LastActionTwiml!);
        Assert.Empty(_rest.CreatedCalls);
    }

    [Fact]
    public async Task A_caller_who_hangs_up_while_the_agent_rings_gets_the_agent_leg_cancelled()
    {
        _rest.SetCallee(TransferHarness.AgentNumber, CalleeBehavior.KeepsRinging);
        await using var server = await TransferHarness.StartRelayAsync(_rest);
        await using var call = await EscalateAsync(server);
        await call.FollowActionAsync().DefaultTimeout();
        Assert.Equal("leave", TransferHarness.Conference(call.LastActionTwiml!).Attribute("statusCallbackEvent")!.Value);
        _rest.ExecuteTwiml(call.CallSid, call.LastActionTwiml!); // Twilio puts the caller in the room
        var leg = await _rest.WaitForCallAsync().DefaultTimeout();

        Assert.Equal(204, await _rest.CallerHangsUpAsync(call.CallSid).DefaultTimeout());

        var cancel = await _rest.WaitForUpdateAsync().DefaultTimeout();
        Assert.Equal((leg.Sid, "canceled"), (cancel.CallSid, cancel.Parameters["Status"]));
        Assert.Equal("canceled", await leg.Ended.DefaultTimeout());
        var callback = await _rest.WaitForStatusCallbackAsync().DefaultTimeout();
        Assert.Equal(("canceled", 204), (callback.CallStatus, callback.AnsweredStatus));
        Assert.Single(_rest.Updates); // the cancelled leg moved no one to voicemail
    }

    [Fact]
    public async Task After_the_voicemail_the_caller_is_thanked_and_the_call_ends()
    {
        await using var server = await TransferHarness.StartRelayAsync(_rest);
        List<KeyValuePair<string, string>> form =
        [
            new("AccountSid", RelayServer.AccountSid), new("CallSid", RelayServer.NewCallSid()), new("RecordingSid", "RE0123"),
            new("RecordingUrl", "https://api.twilio.com/rec/RE0123"), new("RecordingDuration", "14"),
        ];
        using var request = new TwilioRequestSigner(RelayServer.AuthToken).CreateFormPost(
            new Uri(server.Address, "/twiml/transfer/voicemail"), RelayServer.PublicBaseUrl + "/twiml/transfer/voicemail", form);
        using var response = await server.Http.SendAsync(request).DefaultTimeout();

        var twiml = XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!;
        Assert.Equal(["Say", "Hangup"], twiml.Elements().Select(e => e.Name.LocalName));
    }

    [Fact]
    public async Task An_unsigned_agent_status_callback_is_refused()
    {
        await using var server = await TransferHarness.StartRelayAsync(_rest);
        using var content = new FormUrlEncodedContent([new KeyValuePair<string, string>("CallStatus", "busy")]);
        using var response = await server.Http.PostAsync(new Uri(server.Address, "/twiml/transfer/agent-status?customer=CA0123"), content).DefaultTimeout();

        Assert.Equal(System.Net.HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Empty(_rest.Updates);
    }

    [Fact]
    public async Task The_hand_off_data_carries_the_summary_and_the_trigger()
    {
        await using var server = await TransferHarness.StartRelayAsync(_rest);
        server.Model.Enqueue(ChatReply.ToolCall("escalate_to_human", """{"reason":"billing dispute","summary":"Wants a refund."}"""));
        await using var caller = await server.CallAsync();
        await caller.SendPromptAsync("Refund please.").DefaultTimeout();

        using var handoff = JsonDocument.Parse((await caller.NextOfTypeAsync("end")).HandoffData!);
        Assert.Equal("Wants a refund.", handoff.RootElement.GetProperty("summary").GetString());
        Assert.Equal("model", handoff.RootElement.GetProperty("trigger").GetString());
    }
}
