using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using VoiceAgent.Emulators.Twilio.Rest;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.Telephony.Outbound;

/// <summary>Outbound calls on the audio path (Media Streams): our own detector is the second opinion on an answering machine.</summary>
public sealed class OutboundMediaStreamsTests
{
    [Fact]
    public async Task Without_twilio_amd_our_detector_hears_the_greeting_and_the_beep_and_leaves_the_voicemail()
    {
        var twilio = new TwilioRestEmulator(RelayServer.AccountSid, RelayServer.AuthToken);
        await twilio.StartAsync().DefaultTimeout();
        await using var server = await AudioServer.StartAsync(new Dictionary<string, string?>
        {
            ["TWILIO_API_BASE_URL"] = twilio.BaseUrl.ToString().TrimEnd('/'),
            ["TWILIO_CALLER_ID"] = OutboundHarness.CallerId,
            ["ADMIN_TOKEN"] = OutboundHarness.AdminToken,
            ["CAMPAIGN_ENABLED"] = "false",
        });
        twilio.Route = uri => PublicRoute.To(uri, server.Address);
        twilio.SetCallee("+15558675320", CalleeBehavior.Machine with { SendAmdResult = false });
        using var admin = new HttpClient { BaseAddress = server.Address };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", OutboundHarness.AdminToken);

        using var response = await admin.PostAsJsonAsync("/admin/calls", new { to = "+15558675320", transport = "media", context = new { name = "Dana" } }).DefaultTimeout();
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var outboundId = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("outboundId").GetString();
        var call = await twilio.WaitForCallAsync().DefaultTimeout();

        Assert.Equal("completed", await call.Ended.DefaultTimeout(TimeSpan.FromSeconds(60)));
        Assert.StartsWith("Hi Dana,", call.Voicemail, StringComparison.Ordinal);
        Assert.Equal("DetectMessageEnd", call.Parameters["MachineDetection"]);
        Assert.DoesNotContain(call.Callbacks, c => c.StartsWith("amd:", StringComparison.Ordinal));
        var record = JsonDocument.Parse(await admin.GetStringAsync($"/admin/outbound/{outboundId}").DefaultTimeout()).RootElement;
        var detector = record.GetProperty("events").EnumerateArray().Where(e => e.GetProperty("kind").GetString() == "detector").Select(e => e.GetProperty("value").GetString()).ToList();
        Assert.Equal(["LongGreeting", "BeepAfterLongGreeting"], detector);
        Assert.True(record.GetProperty("voicemailLeft").GetBoolean());
        await twilio.DisposeAsync();
    }
}
