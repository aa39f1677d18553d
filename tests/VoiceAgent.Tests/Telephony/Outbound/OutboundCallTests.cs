using System.Net;
using VoiceAgent.Emulators.Twilio;
using VoiceAgent.Emulators.Twilio.Rest;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.Telephony.Outbound;

/// <summary>Placing a call through the admin API and Twilio's Calls.json, answered by the emulated callee over real sockets.</summary>
public sealed class OutboundCallTests
{
    [Fact]
    public async Task A_person_answering_gets_the_outbound_opening_and_a_conversation_that_knows_its_context()
    {
        await using var h = await OutboundHarness.StartAsync();
        var placed = await h.PlaceAsync(new { to = "+15558675310", transport = "relay", context = new { name = "Dana", reason = "your enrollment", enrollmentId = 4217 } });
        var call = await h.Twilio.WaitForCallAsync().DefaultTimeout();
        Assert.Equal(placed.GetProperty("callSid").GetString(), call.Sid);
        await call.Answered.DefaultTimeout();

        Assert.Equal("Hi Dana, this is the virtual assistant calling about your enrollment. Is now a good time to talk?", call.Greeting);
        var reply = await call.Relay!.AskAsync("Sure, who is this?");
        Assert.False(string.IsNullOrEmpty(reply));
        var request = await h.Server.Model.Requests.WhenReceived(0).DefaultTimeout();
        Assert.DoesNotContain("4217", request.System ?? "");
        var context = request.Messages[0].Text;
        Assert.Contains("enrollmentId: 4217", context);
        Assert.Contains("name: Dana", context);
        Assert.Contains("call_direction: outbound", context);
        Assert.DoesNotContain("va_", context);
        Assert.Contains(request.Messages, m => m.Role == "assistant" && m.Text.Contains("Is now a good time to talk?", StringComparison.Ordinal));

        call.HangUp();
        Assert.Equal("completed", await call.Ended.DefaultTimeout());
        var record = await h.OutboundAsync(placed.GetProperty("outboundId").GetString()!);
        Assert.Equal("completed", record.GetProperty("status").GetString());
        Assert.Equal("human", record.GetProperty("answeredBy").GetString());
        Assert.False(record.GetProperty("voicemailLeft").GetBoolean());
        var statuses = record.GetProperty("events").EnumerateArray().Where(e => e.GetProperty("kind").GetString() == "status").Select(e => e.GetProperty("value").GetString()!).ToArray();
        Assert.Equal(ExpectedStatuses, statuses);
    }

    [Fact]
    public async Task The_call_is_created_from_the_caller_id_with_async_amd_and_signed_callback_urls()
    {
        await using var h = await OutboundHarness.StartAsync();
        await h.PlaceAsync(new { to = "+15558675310" });
        var call = await h.Twilio.WaitForCallAsync().DefaultTimeout();
        var p = call.Parameters;
        Assert.Equal(OutboundHarness.CallerId, p["From"]);
        Assert.StartsWith(RelayServer.PublicBaseUrl + "/twiml/outbound?o=", p["Url"], StringComparison.Ordinal);
        Assert.StartsWith(RelayServer.PublicBaseUrl + "/twiml/status?o=", p["StatusCallback"], StringComparison.Ordinal);
        Assert.Equal("initiated ringing answered completed", p["StatusCallbackEvent"]);
        Assert.Equal("DetectMessageEnd", p["MachineDetection"]);
        Assert.Equal("true", p["AsyncAmd"]);
        Assert.Equal(p["StatusCallback"], p["AsyncAmdStatusCallback"]);
        call.HangUp();
        await call.Ended.DefaultTimeout();
    }

    [Fact]
    public async Task An_answering_machine_gets_the_voicemail_after_the_beep_and_the_call_is_hung_up()
    {
        await using var h = await OutboundHarness.StartAsync();
        h.Twilio.SetCallee("+15558675311", CalleeBehavior.Machine);
        var placed = await h.PlaceAsync(new { to = "+15558675311", context = new { name = "Dana", reason = "your enrollment" } });
        var call = await h.Twilio.WaitForCallAsync().DefaultTimeout();

        Assert.Equal("completed", await call.Ended.DefaultTimeout());
        Assert.Equal("Hi Dana, this is the virtual assistant calling about your enrollment. Please call us back when it suits you. Goodbye.", call.Voicemail);
        var lines = call.Transcript;
        var beep = Array.FindIndex(lines.ToArray(), l => l.EndsWith("[beep]", StringComparison.Ordinal));
        var voicemail = Array.FindIndex(lines.ToArray(), l => l.StartsWith("agent (recorded after the beep):", StringComparison.Ordinal));
        Assert.True(beep >= 0 && voicemail > beep, string.Join('\n', lines));
        Assert.Contains("call ended: the TwiML hung up", lines[^1]);
        var record = await h.OutboundAsync(placed.GetProperty("outboundId").GetString()!);
        Assert.Equal("machine_end_beep", record.GetProperty("answeredBy").GetString());
        Assert.True(record.GetProperty("voicemailLeft").GetBoolean());
        Assert.Equal("completed", record.GetProperty("status").GetString());
    }

    [Fact]
    public async Task An_unknown_verdict_is_treated_as_a_person_and_the_conversation_goes_on()
    {
        await using var h = await OutboundHarness.StartAsync();
        h.Twilio.SetCallee("+15558675312", CalleeBehavior.Person with { AnsweredByOverride = "unknown" });
        var placed = await h.PlaceAsync(new { to = "+15558675312" });
        var call = await h.Twilio.WaitForCallAsync().DefaultTimeout();
        await call.Answered.DefaultTimeout();
        Assert.False(string.IsNullOrEmpty(await call.Relay!.AskAsync("Hello? Who's calling?")));
        var record = await h.OutboundAsync(placed.GetProperty("outboundId").GetString()!);
        Assert.Equal("unknown", record.GetProperty("answeredBy").GetString());
        Assert.False(record.GetProperty("voicemailLeft").GetBoolean());
        Assert.Empty(h.Twilio.Updates);
        call.HangUp();
        await call.Ended.DefaultTimeout();
    }

    [Fact]
    public async Task A_forged_or_unsigned_status_callback_is_refused_and_changes_nothing()
    {
        await using var h = await OutboundHarness.StartAsync();
        h.Twilio.SetCallee("+15558675313", CalleeBehavior.Busy);
        var placed = await h.PlaceAsync(new { to = "+15558675313" });
        var call = await h.Twilio.WaitForCallAsync().DefaultTimeout();
        Assert.Equal("busy", await call.Ended.DefaultTimeout());
        var id = placed.GetProperty("outboundId").GetString()!;
        var url = RelayServer.PublicBaseUrl + "/twiml/status?o=" + id;
        List<KeyValuePair<string, string>> form = [new("AccountSid", RelayServer.AccountSid), new("CallSid", call.Sid), new("CallStatus", "completed"), new("SequenceNumber", "99")];

        using var forged = new TwilioRequestSigner("not-the-auth-token").CreateFormPost(PublicRoute.To(new Uri(url), h.Server.Address), url, form);
        using var forgedResponse = await h.Server.Http.SendAsync(forged).DefaultTimeout();
        Assert.Equal(HttpStatusCode.Forbidden, forgedResponse.StatusCode);
        using var unsigned = await h.Server.Http.PostAsync(PublicRoute.To(new Uri(url), h.Server.Address), new FormUrlEncodedContent(form)).DefaultTimeout();
        Assert.Equal(HttpStatusCode.Forbidden, unsigned.StatusCode);
        using var amd = new TwilioRequestSigner("not-the-auth-token").CreateFormPost(PublicRoute.To(new Uri(url), h.Server.Address), url,
            [new("AccountSid", RelayServer.AccountSid), new("CallSid", call.Sid), new("AnsweredBy", "machine_end_beep")]);
        using var amdResponse = await h.Server.Http.SendAsync(amd).DefaultTimeout();
        Assert.Equal(HttpStatusCode.Forbidden, amdResponse.StatusCode);

        var record = await h.OutboundAsync(id);
        Assert.Equal("busy", record.GetProperty("status").GetString());
        Assert.Equal(JsonValueKindNull, record.GetProperty("answeredBy").ValueKind);
        Assert.Empty(h.Twilio.Updates);
    }

    [Fact]
    public async Task Status_callbacks_arriving_out_of_order_never_move_a_finished_call_back()
    {
        await using var h = await OutboundHarness.StartAsync();
        h.Twilio.SetCallee("+15558675314", CalleeBehavior.NoAnswer);
        var placed = await h.PlaceAsync(new { to = "+15558675314" });
        var call = await h.Twilio.WaitForCallAsync().DefaultTimeout();
        Assert.Equal("no-answer", await call.Ended.DefaultTimeout());
        var url = RelayServer.PublicBaseUrl + "/twiml/status?o=" + placed.GetProperty("outboundId").GetString();
        using var late = new TwilioRequestSigner(RelayServer.AuthToken).CreateFormPost(PublicRoute.To(new Uri(url), h.Server.Address), url,
            [new("AccountSid", RelayServer.AccountSid), new("CallSid", call.Sid), new("CallStatus", "ringing"), new("SequenceNumber", "1")]);
        using var response = await h.Server.Http.SendAsync(late).DefaultTimeout();
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var record = await h.OutboundAsync(placed.GetProperty("outboundId").GetString()!);
        Assert.Equal("no-answer", record.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Without_a_caller_id_outbound_calls_are_refused_and_nothing_is_dialled()
    {
        await using var h = await OutboundHarness.StartAsync(new Dictionary<string, string?> { ["TWILIO_CALLER_ID"] = null });
        using var response = await h.Admin.PostAsync("/admin/calls", System.Net.Http.Json.JsonContent.Create(new { to = "+15558675310" })).DefaultTimeout();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Empty(h.Twilio.CreatedCalls);
    }

    [Fact]
    public async Task Placing_a_call_needs_the_admin_token()
    {
        await using var h = await OutboundHarness.StartAsync();
        using var anonymous = new HttpClient { BaseAddress = h.Server.Address };
        using var response = await anonymous.PostAsync("/admin/calls", System.Net.Http.Json.JsonContent.Create(new { to = "+15558675310" })).DefaultTimeout();
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(h.Twilio.CreatedCalls);
    }

    private static readonly string[] ExpectedStatuses = ["initiated", "ringing", "in-progress", "completed"];
    private const System.Text.Json.JsonValueKind JsonValueKindNull = System.Text.Json.JsonValueKind.Null;
}
