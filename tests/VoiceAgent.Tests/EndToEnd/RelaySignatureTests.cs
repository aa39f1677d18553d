using System.Net;
using System.Net.WebSockets;
using System.Xml.Linq;
using VoiceAgent.Emulators.Twilio;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.EndToEnd;

/// <summary>Signatures on the real server: the webhook and the WebSocket upgrade, accepted and rejected.</summary>
public sealed class RelaySignatureTests : IAsyncLifetime
{
    private RelayServer _server = null!;
    private readonly HttpClient _http = new();

    public async Task InitializeAsync() => _server = await RelayServer.StartAsync();

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    private static List<KeyValuePair<string, string>> IncomingCallForm() =>
    [
        new("AccountSid", RelayServer.AccountSid), new("CallSid", RelayServer.NewCallSid()),
        new("From", "+15555550100"), new("To", "+15555550199"), new("CallStatus", "ringing"),
    ];

    [Fact]
    public async Task A_signed_webhook_gets_conversation_relay_twiml_with_the_public_wss_url_and_query_parameters()
    {
        using var request = new TwilioRequestSigner(RelayServer.AuthToken).CreateFormPost(
            new Uri(_server.Address, "/twiml/relay?customerId=42&enrollmentId=E%267"), RelayServer.PublicBaseUrl + "/twiml/relay?customerId=42&enrollmentId=E%267", IncomingCallForm());
        using var response = await _http.SendAsync(request).DefaultTimeout();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var relay = XDocument.Parse(await response.Content.ReadAsStringAsync()).Descendants("ConversationRelay").Single();
        Assert.Equal(RelayServer.SignedSocketUrl, relay.Attribute("url")!.Value);
        Assert.Equal("ElevenLabs", relay.Attribute("ttsProvider")!.Value);
        Assert.Equal("Deepgram", relay.Attribute("transcriptionProvider")!.Value);
        Assert.Equal("true", relay.Attribute("dtmfDetection")!.Value);
        var parameters = relay.Elements("Parameter").ToDictionary(p => p.Attribute("name")!.Value, p => p.Attribute("value")!.Value);
        Assert.Equal("42", parameters["customerId"]);
        Assert.Equal("E&7", parameters["enrollmentId"]);
        Assert.Equal(RelayServer.PublicBaseUrl + "/twiml/relay/action", relay.Parent!.Attribute("action")!.Value);
    }

    [Fact]
    public async Task A_signed_stream_webhook_gets_connect_stream_twiml_with_the_callers_number_as_a_parameter()
    {
        // The audio transport needs speech keys (no socket is opened to them here).
        await using var server = await RelayServer.StartAsync(new Dictionary<string, string?> { ["DEEPGRAM_API_KEY"] = "dg-key", ["ELEVENLABS_API_KEY"] = "el-key" });
        using var request = new TwilioRequestSigner(RelayServer.AuthToken).CreateFormPost(
            new Uri(server.Address, "/twiml/stream?locale=es-MX"), RelayServer.PublicBaseUrl + "/twiml/stream?locale=es-MX", IncomingCallForm());
        using var response = await _http.SendAsync(request).DefaultTimeout();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var stream = XDocument.Parse(await response.Content.ReadAsStringAsync()).Descendants("Stream").Single();
        Assert.Equal("wss://voice.example.com/ws/media", stream.Attribute("url")!.Value);
        Assert.Equal("Connect", stream.Parent!.Name.LocalName);
        var parameters = stream.Elements("Parameter").ToDictionary(p => p.Attribute("name")!.Value, p => p.Attribute("value")!.Value);
        Assert.Equal("+15555550100", parameters["From"]);
        Assert.Equal("es-MX", parameters["locale"]);
    }

    [Fact]
    public async Task Dev_bypass_is_ignored_outside_development_and_signatures_stay_on()
    {
        await using var server = await RelayServer.StartAsync(new Dictionary<string, string?> { ["DEV_BYPASS_SIGNATURE"] = "true" });
        var ex = await Assert.ThrowsAsync<WebSocketException>(() =>
            ConversationRelayCaller.ConnectAsync(server.SocketUrl, RelayServer.SignedSocketUrl, null, CancellationToken.None).DefaultTimeout());
        Assert.Contains("403", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_webhook_with_a_forged_signature_is_refused_with_403()
    {
        using var request = new TwilioRequestSigner("not-the-token").CreateFormPost(
            new Uri(_server.Address, "/twiml/relay"), RelayServer.PublicBaseUrl + "/twiml/relay", IncomingCallForm());
        using var response = await _http.SendAsync(request).DefaultTimeout();
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task A_webhook_signed_over_the_host_header_url_instead_of_the_public_url_is_refused()
    {
        var hostUrl = new Uri(_server.Address, "/twiml/relay");
        using var request = new TwilioRequestSigner(RelayServer.AuthToken).CreateFormPost(hostUrl, hostUrl.ToString(), IncomingCallForm());
        using var response = await _http.SendAsync(request).DefaultTimeout();
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task A_signed_upgrade_opens_a_working_call()
    {
        await using var caller = await _server.CallAsync();
        Assert.False(string.IsNullOrEmpty(await caller.AskAsync("Hello?")));
    }

    [Theory]
    [InlineData("wrong-token")]
    [InlineData(null)]
    public async Task An_upgrade_with_a_forged_or_missing_signature_gets_403_and_no_socket(string? token)
    {
        var ex = await Assert.ThrowsAsync<WebSocketException>(() =>
            ConversationRelayCaller.ConnectAsync(_server.SocketUrl, RelayServer.SignedSocketUrl, token, CancellationToken.None).DefaultTimeout());
        Assert.Contains("403", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, _server.Model.Requests.Count);
    }

    [Fact]
    public async Task A_call_from_an_account_not_on_the_allow_list_is_closed_with_policy_violation()
    {
        await using var caller = await _server.CallAsync(accountSid: "AC99999999999999999999999999999999");
        await caller.WaitForCloseAsync().DefaultTimeout();
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, caller.CloseStatus);
    }

    [Fact]
    public async Task The_connect_action_callback_answers_the_warm_transfer_conference_on_a_live_agent_handoff()
    {
        await using var rest = await VoiceAgent.Tests.EndToEnd.Transfer.TransferHarness.StartRestAsync();
        await using var server = await RelayServer.StartAsync(VoiceAgent.Tests.EndToEnd.Transfer.TransferHarness.Settings(rest));
        List<KeyValuePair<string, string>> form =
        [
            new("AccountSid", RelayServer.AccountSid), new("CallSid", RelayServer.NewCallSid()), new("CallStatus", "in-progress"),
            new("SessionId", "VX1"), new("SessionStatus", "ended"), new("SessionDuration", "42"),
            new("HandoffData", """{"reasonCode":"live-agent-handoff","reason":"caller pressed 0"}"""),
        ];
        using var request = new TwilioRequestSigner(RelayServer.AuthToken).CreateFormPost(
            new Uri(server.Address, "/twiml/relay/action"), RelayServer.PublicBaseUrl + "/twiml/relay/action", form);
        using var response = await _http.SendAsync(request).DefaultTimeout();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var twiml = XDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.StartsWith("xfer-CA", twiml.Descendants("Conference").Single().Value, StringComparison.Ordinal);
        Assert.Equal("+15555550123", (await rest.WaitForCallAsync().DefaultTimeout()).To);
    }
}
