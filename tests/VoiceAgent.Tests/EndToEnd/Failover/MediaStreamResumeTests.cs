using System.Xml.Linq;
using Microsoft.Extensions.DependencyInjection;
using VoiceAgent.Emulators.Twilio;
using VoiceAgent.Storage.Sessions;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.EndToEnd.Failover;

/// <summary>
/// The Media Streams path's way back: the stream TwiML ends with a <c>&lt;Redirect&gt;</c> to a signed resume endpoint,
/// which reconnects a call whose stream dropped and hangs up one that ended.
/// </summary>
public sealed class MediaStreamResumeTests : IAsyncLifetime
{
    private const string ResumeUrl = RelayServer.PublicBaseUrl + "/twiml/stream/resume";
    private RelayServer _server = null!;

    // The audio path is served only with its providers configured (keys point nowhere: no call is placed here).
    public async Task InitializeAsync() => _server = await RelayServer.StartAsync(new Dictionary<string, string?> { ["DEEPGRAM_API_KEY"] = "dg-key", ["ELEVENLABS_API_KEY"] = "el-key" });
    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task The_stream_twiml_redirects_to_the_resume_endpoint_after_the_stream()
    {
        var twiml = await PostAsync(RelayServer.PublicBaseUrl + "/twiml/stream", NewSid(), "ringing");

        var elements = twiml.Root!.Elements().ToList();
        Assert.Equal(["Connect", "Redirect"], elements.Select(e => e.Name.LocalName));
        Assert.Equal(ResumeUrl, elements[1].Value);
        Assert.Equal("POST", elements[1].Attribute("method")?.Value);
    }

    [Fact]
    public async Task A_call_whose_stream_dropped_is_connected_again_with_its_parameters()
    {
        var callSid = NewSid();
        await SeedAsync(callSid, SessionStatus.Active);

        var twiml = await PostAsync(ResumeUrl, callSid, "in-progress");

        var stream = twiml.Root!.Element("Connect")!.Element("Stream")!;
        Assert.Equal("wss://voice.example.com/ws/media", stream.Attribute("url")?.Value);
        Assert.Equal("acme", stream.Elements("Parameter").Single(p => p.Attribute("name")?.Value == "tenant").Attribute("value")?.Value);
        Assert.NotNull(twiml.Root.Element("Redirect"));
    }

    [Fact]
    public async Task A_call_that_ended_is_hung_up_not_resumed()
    {
        var callSid = NewSid();
        await SeedAsync(callSid, SessionStatus.Ended);

        var twiml = await PostAsync(ResumeUrl, callSid, "in-progress");

        Assert.Equal(["Hangup"], twiml.Root!.Elements().Select(e => e.Name.LocalName));
    }

    [Fact]
    public async Task A_call_with_no_stored_state_is_hung_up()
    {
        var twiml = await PostAsync(ResumeUrl, NewSid(), "in-progress");

        Assert.Equal(["Hangup"], twiml.Root!.Elements().Select(e => e.Name.LocalName));
    }

    [Fact]
    public async Task The_resume_endpoint_refuses_an_unsigned_request()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, PublicRoute.To(new Uri(ResumeUrl), _server.Address))
        {
            Content = new FormUrlEncodedContent([new("CallSid", NewSid()), new("CallStatus", "in-progress")]),
        };
        using var response = await _server.Http.SendAsync(request).DefaultTimeout();

        Assert.Equal(System.Net.HttpStatusCode.Forbidden, response.StatusCode);
    }

    private async Task SeedAsync(string callSid, SessionStatus status) =>
        await _server.App.Services.GetRequiredService<ISessionStore>().SaveAsync(new SessionSnapshot
        {
            CallSid = callSid,
            Transport = "media-streams",
            Status = status,
            Parameters = new Dictionary<string, string> { ["tenant"] = "acme" },
            Turns = [new SessionTurn(SessionTurn.UserRole, "hello", false)],
            TurnCount = 1,
        }, default).DefaultTimeout();

    private async Task<XDocument> PostAsync(string publicUrl, string callSid, string callStatus)
    {
        var form = new List<KeyValuePair<string, string>>
        {
            new("AccountSid", RelayServer.AccountSid), new("CallSid", callSid), new("CallStatus", callStatus),
            new("From", "+18005550100"), new("To", "+18005550101"),
        };
        using var request = new TwilioRequestSigner(RelayServer.AuthToken).CreateFormPost(PublicRoute.To(new Uri(publicUrl), _server.Address), publicUrl, form);
        using var response = await _server.Http.SendAsync(request).DefaultTimeout();
        response.EnsureSuccessStatusCode();
        return XDocument.Parse(await response.Content.ReadAsStringAsync());
    }

    private static string NewSid() => RelayServer.NewCallSid();
}
