using System.Xml.Linq;
using VoiceAgent.Emulators.Twilio;
using VoiceAgent.Emulators.Twilio.Rest;
using VoiceAgent.Tests.EndToEnd.Transfer;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.EndToEnd;

/// <summary>
/// The warm transfer on the audio path: after the hand-off line has played, the live call is moved over Twilio REST
/// into the conference (which ends the stream) and the agent is dialled with the brief; a failed move still ends in
/// voicemail through the stream's &lt;Redirect&gt;.
/// </summary>
[Collection(VoiceAgent.Tests.EmulatorsTests.RealTimeCollection.Name)]
public sealed class MediaStreamsHandoffTests : IAsyncLifetime
{
    private TwilioRestEmulator _rest = null!;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(15) };

    public async Task InitializeAsync() => _rest = await TransferHarness.StartRestAsync();

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _rest.DisposeAsync();
    }

    private async Task<AudioServer> StartServerAsync()
    {
        var server = await AudioServer.StartAsync(TransferHarness.Settings(_rest));
        _rest.Route = uri => PublicRoute.To(uri, server.Address);
        return server;
    }

    [Fact]
    public async Task The_operator_digit_speaks_the_handoff_line_then_moves_the_call_into_the_conference()
    {
        await using var server = await StartServerAsync();
        await using var caller = await server.CallAsync();

        await caller.SendDtmfAsync('0').DefaultTimeout();

        var update = await _rest.WaitForUpdateAsync().DefaultTimeout(TimeSpan.FromSeconds(20));
        Assert.Equal(caller.CallSid, update.CallSid);
        var room = TransferHarness.Conference(update.Parameters["Twiml"]);
        Assert.Equal(("xfer-" + caller.CallSid, "false"), (room.Value, room.Attribute("startConferenceOnEnter")!.Value));
        Assert.True(caller.HeardBytes >= 8000, "the hand-off line is played before the move");
        Assert.Equal(0, server.Model.Requests.Count);
    }

    [Fact]
    public async Task The_agent_is_dialled_with_a_brief_and_both_legs_meet_in_the_room()
    {
        await using var server = await StartServerAsync();
        await using var caller = await server.CallAsync();

        await caller.SendDtmfAsync('0').DefaultTimeout();

        var leg = await _rest.WaitForCallAsync().DefaultTimeout(TimeSpan.FromSeconds(20));
        Assert.Equal(TransferHarness.AgentNumber, leg.To);
        Assert.Contains("caller pressed 0", XDocument.Parse(leg.Twiml!).Root!.Element("Say")!.Value, StringComparison.Ordinal);
        await _rest.WaitForParticipantAsync("xfer-" + caller.CallSid, "agent").DefaultTimeout();
        var conference = _rest.Conference("xfer-" + caller.CallSid)!;
        Assert.Equal(["customer", "agent"], conference.Participants.Select(p => p.Label));
        Assert.Equal(TransferHarness.HoldMusic, conference.ByLabel("customer")!.WaitUrl);
    }

    [Fact]
    public async Task An_unreachable_agent_moves_the_waiting_caller_to_voicemail()
    {
        _rest.SetCallee(TransferHarness.AgentNumber, CalleeBehavior.NoAnswer);
        await using var server = await StartServerAsync();
        await using var caller = await server.CallAsync();

        await caller.SendDtmfAsync('0').DefaultTimeout();

        await _rest.WaitForUpdateAsync().DefaultTimeout(TimeSpan.FromSeconds(20)); // into the conference
        var moved = await _rest.WaitForUpdateAsync().DefaultTimeout(TimeSpan.FromSeconds(20)); // then out to voicemail
        Assert.Equal(caller.CallSid, moved.CallSid);
        TransferHarness.AssertVoicemail(moved.Parameters["Twiml"]);
    }

    [Fact]
    public async Task A_caller_who_hangs_up_while_the_agent_rings_gets_the_agent_leg_cancelled()
    {
        _rest.SetCallee(TransferHarness.AgentNumber, CalleeBehavior.KeepsRinging);
        await using var server = await StartServerAsync();
        await using var caller = await server.CallAsync();

        await caller.SendDtmfAsync('0').DefaultTimeout();
        await _rest.WaitForUpdateAsync().DefaultTimeout(TimeSpan.FromSeconds(20)); // into the conference
        var leg = await _rest.WaitForCallAsync().DefaultTimeout(TimeSpan.FromSeconds(20));

        Assert.Equal(204, await _rest.CallerHangsUpAsync(caller.CallSid).DefaultTimeout());
        Assert.Equal("canceled", await leg.Ended.DefaultTimeout());
        Assert.Equal(1, _rest.Updates.Count(u => u.Parameters.ContainsKey("Twiml"))); // no move to voicemail after the cancel
    }

    [Fact]
    public async Task A_failed_move_ends_the_stream_and_the_redirect_after_it_offers_voicemail()
    {
        _rest.FailNext(500);
        await using var server = await StartServerAsync();
        await using var caller = await server.CallAsync();

        await caller.SendDtmfAsync('0').DefaultTimeout();

        await caller.WaitForCloseAsync().DefaultTimeout(TimeSpan.FromSeconds(20));
        Assert.True(caller.ClosedByServer);
        Assert.Empty(_rest.Updates);
        // Twilio now runs the <Redirect> that follows <Connect><Stream>.
        List<KeyValuePair<string, string>> form = [new("AccountSid", RelayServer.AccountSid), new("CallSid", caller.CallSid), new("CallStatus", "in-progress")];
        using var request = new TwilioRequestSigner(RelayServer.AuthToken).CreateFormPost(
            new Uri(server.Address, "/twiml/stream/resume"), RelayServer.PublicBaseUrl + "/twiml/stream/resume", form);
        using var response = await _http.SendAsync(request).DefaultTimeout();
        TransferHarness.AssertVoicemail(await response.Content.ReadAsStringAsync());
    }
}
