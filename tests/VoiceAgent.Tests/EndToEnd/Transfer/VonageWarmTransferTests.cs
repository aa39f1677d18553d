using System.Security.Cryptography;
using System.Text.Json.Nodes;
using VoiceAgent.Emulators.Vonage;
using VoiceAgent.Emulators.Vonage.Rest;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.EndToEnd.Transfer;

/// <summary>
/// The warm transfer on Vonage, over real sockets: a Vonage call (signed answer webhook, WebSocket leg) whose caller asks
/// for a person is moved over the Vonage REST emulator into a named conversation with hold music, the agent is dialled
/// with an NCCO that speaks the brief before joining, and the AI's socket closes; every failure ends in voicemail, and
/// a caller hanging up while the agent's phone rings gets that leg hung up.
/// </summary>
[Collection(VoiceAgent.Tests.EmulatorsTests.RealTimeCollection.Name)]
public sealed class VonageWarmTransferTests : IAsyncLifetime
{
    internal const string ApplicationId = "aaaaaaaa-bbbb-cccc-dddd-0123456789ab";
    private const string AgentDigits = "15555550123";
    private readonly RSA _key = RSA.Create(2048);
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(15) };
    private VonageRestEmulator _vonage = null!;
    private AudioServer _server = null!;

    public async Task InitializeAsync()
    {
        var publicKey = RSA.Create();
        publicKey.ImportRSAPublicKey(_key.ExportRSAPublicKey(), out _);
        _vonage = new VonageRestEmulator(ApplicationId, publicKey, AudioServer.VonageSignatureSecret);
        await _vonage.StartAsync().DefaultTimeout();
        _server = await AudioServer.StartAsync(new Dictionary<string, string?>
        {
            ["VONAGE_APPLICATION_ID"] = ApplicationId,
            ["VONAGE_PRIVATE_KEY"] = _key.ExportPkcs8PrivateKeyPem(),
            ["VONAGE_API_BASE_URL"] = _vonage.BaseUrl.ToString(),
            ["TRANSFER_NUMBER"] = TransferHarness.AgentNumber,
            ["HOLD_MUSIC_URL"] = TransferHarness.HoldMusic,
        });
        _vonage.Route = uri => PublicRoute.To(uri, _server.Address);
    }

    public async Task DisposeAsync()
    {
        await _vonage.WhenIdleAsync().DefaultTimeout();
        await _server.DisposeAsync();
        await _vonage.DisposeAsync();
        _http.Dispose();
        _key.Dispose();
    }

    /// <summary>A Vonage call whose caller presses 0 (the operator key): the hand-off line plays, then the transfer starts.</summary>
    private async Task<(VonageCaller Caller, string Uuid)> CallAndAskForAPersonAsync()
    {
        var uuid = Guid.NewGuid().ToString();
        _vonage.AddInboundCall(uuid, "447700900123", "447700900000");
        var answer = await _server.VonageWebhooks(_http).AnswerAsync(uuid, from: "447700900123", to: "447700900000", CancellationToken.None).DefaultTimeout();
        var caller = await VonageCaller.ConnectAsync(new Uri($"ws://{_server.Address.Authority}/ws/vonage"),
            new VonageCallerOptions { Headers = answer.Headers.ToDictionary(p => p.Key, p => p.Value) }, CancellationToken.None).DefaultTimeout();
        await caller.SendDtmfAsync('0').DefaultTimeout();
        return (caller, uuid);
    }

    private static JsonArray Ncco(VonageCallUpdate update) => (JsonArray)JsonNode.Parse(update.Ncco!)!;

    private static void AssertVoicemail(VonageCallUpdate update, string callerUuid)
    {
        Assert.Equal((callerUuid, "transfer"), (update.Uuid, update.Action));
        var ncco = Ncco(update);
        Assert.Equal(["talk", "record", "talk"], ncco.Select(a => a!["action"]!.GetValue<string>()));
        Assert.Contains("call you back", ncco[0]!["text"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(RelayServer.PublicBaseUrl + "/vonage/transfer/voicemail", ncco[1]!["eventUrl"]![0]!.GetValue<string>());
        Assert.True(ncco[1]!["beepStart"]!.GetValue<bool>());
    }

    [Fact]
    public async Task An_escalation_moves_the_caller_into_a_named_conversation_with_hold_music()
    {
        var (caller, uuid) = await CallAndAskForAPersonAsync();
        await using var _ = caller;

        var moved = await _vonage.WaitForUpdateAsync().DefaultTimeout();
        Assert.Equal((uuid, "transfer"), (moved.Uuid, moved.Action));
        var conversation = Assert.Single(Ncco(moved))!;
        Assert.Equal("conversation", conversation["action"]!.GetValue<string>());
        Assert.Equal("xfer-" + uuid, conversation["name"]!.GetValue<string>());
        Assert.False(conversation["startOnEnter"]!.GetValue<bool>());
        Assert.True(conversation["endOnExit"]!.GetValue<bool>());
        var member = await _vonage.WaitForMemberAsync("xfer-" + uuid, uuid).DefaultTimeout();
        Assert.Equal([TransferHarness.HoldMusic], member.MusicOnHoldUrl);
        Assert.True(caller.HeardBytes >= 16000, "the hand-off line is played before the move");
    }

    [Fact]
    public async Task The_agent_hears_the_reason_and_summary_before_joining_the_same_conversation()
    {
        var (caller, uuid) = await CallAndAskForAPersonAsync();
        await using var _ = caller;

        var leg = await _vonage.WaitForCreatedCallAsync().DefaultTimeout();
        Assert.Equal((AgentDigits, "447700900000"), (leg.To, leg.From)); // from: the number the caller dialled
        var ncco = (JsonArray)JsonNode.Parse(leg.Ncco)!;
        Assert.Equal(["talk", "conversation"], ncco.Select(a => a!["action"]!.GetValue<string>()));
        Assert.Contains("caller pressed 0", ncco[0]!["text"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("xfer-" + uuid, ncco[1]!["name"]!.GetValue<string>());
        Assert.True(ncco[1]!["startOnEnter"]!.GetValue<bool>());

        var agent = await _vonage.WaitForMemberAsync("xfer-" + uuid, leg.Uuid).DefaultTimeout();
        Assert.StartsWith("Incoming transfer from the voice agent.", agent.HeardBeforeJoining, StringComparison.Ordinal);
        Assert.Equal("started", _vonage.Conversation("xfer-" + uuid)!.Status);
        Assert.Equal([uuid, leg.Uuid], _vonage.Conversation("xfer-" + uuid)!.Members.Select(m => m.Uuid));
    }

    [Fact]
    public async Task The_ai_leaves_once_the_caller_is_moved()
    {
        var (caller, _) = await CallAndAskForAPersonAsync();
        await using var __ = caller;

        await _vonage.WaitForUpdateAsync().DefaultTimeout();
        await caller.WaitForCloseAsync().DefaultTimeout();
        Assert.True(caller.ClosedByServer);
        Assert.Equal(0, _server.Model.Requests.Count);
    }

    [Theory]
    [InlineData(VonageCallOutcome.Busy, "busy")]
    [InlineData(VonageCallOutcome.Timeout, "timeout")]
    [InlineData(VonageCallOutcome.Unanswered, "unanswered")]
    [InlineData(VonageCallOutcome.Rejected, "rejected")]
    [InlineData(VonageCallOutcome.Failed, "failed")]
    public async Task An_agent_who_cannot_be_reached_sends_the_waiting_caller_to_voicemail(VonageCallOutcome outcome, string status)
    {
        _vonage.AnswerAs(TransferHarness.AgentNumber, outcome);
        var (caller, uuid) = await CallAndAskForAPersonAsync();
        await using var _ = caller;

        await _vonage.WaitForUpdateAsync().DefaultTimeout(); // into the conversation
        var moved = await _vonage.WaitForUpdateAsync().DefaultTimeout(); // then out to voicemail
        AssertVoicemail(moved, uuid);
        VonagePostedEvent ended;
        do ended = await _vonage.WaitForEventAsync().DefaultTimeout();
        while (ended.Status is "started" or "ringing");
        Assert.Equal((status, 204), (ended.Status, ended.AnsweredStatus));
    }

    [Fact]
    public async Task A_rest_error_dialling_the_agent_moves_the_caller_to_voicemail()
    {
        _vonage.FailNextCreate(500);
        var (caller, uuid) = await CallAndAskForAPersonAsync();
        await using var _ = caller;

        await _vonage.WaitForUpdateAsync().DefaultTimeout();
        AssertVoicemail(await _vonage.WaitForUpdateAsync().DefaultTimeout(), uuid);
        Assert.Empty(_vonage.CreatedCalls);
    }

    [Fact]
    public async Task A_rest_error_moving_the_caller_offers_voicemail_on_the_second_try()
    {
        _vonage.FailNext(503);
        var (caller, uuid) = await CallAndAskForAPersonAsync();
        await using var _ = caller;

        AssertVoicemail(await _vonage.WaitForUpdateAsync().DefaultTimeout(), uuid);
        await caller.WaitForCloseAsync().DefaultTimeout();
        Assert.Empty(_vonage.CreatedCalls);
    }

    [Fact]
    public async Task A_caller_who_hangs_up_while_the_agent_rings_gets_the_agent_leg_hung_up()
    {
        _vonage.AnswerAs(TransferHarness.AgentNumber, VonageCallOutcome.KeepsRinging);
        var (caller, uuid) = await CallAndAskForAPersonAsync();
        await using var _ = caller;
        await _vonage.WaitForUpdateAsync().DefaultTimeout();
        var leg = await _vonage.WaitForCreatedCallAsync().DefaultTimeout();

        using var hungUp = await _server.VonageWebhooks(_http).SendEventAsync(uuid, "completed", CancellationToken.None).DefaultTimeout();
        Assert.Equal(System.Net.HttpStatusCode.NoContent, hungUp.StatusCode);

        var cancel = await _vonage.WaitForUpdateAsync().DefaultTimeout();
        Assert.Equal((leg.Uuid, "hangup"), (cancel.Uuid, cancel.Action));
        VonagePostedEvent ended;
        do ended = await _vonage.WaitForEventAsync().DefaultTimeout();
        while (ended.Status is "started" or "ringing");
        Assert.Equal(("cancelled", 204), (ended.Status, ended.AnsweredStatus));
        await _vonage.WhenIdleAsync().DefaultTimeout();
        Assert.Equal(1, _vonage.Updates.Count(u => u.Action == "transfer")); // the cancelled leg moved no one to voicemail
    }

    [Fact]
    public async Task The_voicemail_recording_event_is_accepted_only_when_signed()
    {
        var body = System.Text.Encoding.UTF8.GetBytes("""{"start_time":"2026-01-01T00:00:00Z","recording_url":"https://api.nexmo.com/v1/files/r1","size":12345,"recording_uuid":"r1","end_time":"2026-01-01T00:00:20Z","conversation_uuid":"CON-x","timestamp":"2026-01-01T00:00:20Z"}""");

        using var signed = await _server.VonageWebhooks(_http).SendSignedAsync(HttpMethod.Post, "/vonage/transfer/voicemail", body, CancellationToken.None).DefaultTimeout();
        using var unsigned = await _http.PostAsync(new Uri(_server.Address, "/vonage/transfer/voicemail"), new ByteArrayContent(body)).DefaultTimeout();

        Assert.Equal((System.Net.HttpStatusCode.NoContent, System.Net.HttpStatusCode.Unauthorized), (signed.StatusCode, unsigned.StatusCode));
    }

    [Fact]
    public async Task An_unsigned_agent_event_is_refused()
    {
        using var content = new StringContent("""{"uuid":"x","status":"busy"}""", System.Text.Encoding.UTF8, "application/json");
        using var response = await _http.PostAsync(new Uri(_server.Address, "/vonage/transfer/agent-event?customer=abc"), content).DefaultTimeout();

        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(_vonage.Updates);
    }
}
