using VoiceAgent.Emulators.Twilio.Rest;
using VoiceAgent.Telephony.Twilio.Rest;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.Telephony.Rest;

public sealed class TwilioRestClientTests : IAsyncLifetime
{
    private const string Sid = "AC0123456789abcdef0123456789abcdef";
    private readonly TwilioRestEmulator _twilio = new(Sid, "token-1");
    private readonly HttpClient _http = new();

    public Task InitializeAsync() => _twilio.StartAsync();

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _twilio.DisposeAsync();
    }

    [Fact]
    public async Task Updating_a_call_posts_the_twiml_form_with_basic_auth()
    {
        var client = new TwilioRestClient(_http, _twilio.BaseUrl, Sid, "token-1");
        await client.UpdateCallTwimlAsync("CA1", "<Response><Hangup/></Response>", CancellationToken.None).DefaultTimeout();

        var update = Assert.Single(_twilio.Updates);
        Assert.Equal("CA1", update.CallSid);
        Assert.Equal("<Response><Hangup/></Response>", update.Parameters["Twiml"]);
    }

    [Fact]
    public async Task A_wrong_token_surfaces_twilios_error_code()
    {
        var client = new TwilioRestClient(_http, _twilio.BaseUrl, Sid, "wrong");
        var error = await Assert.ThrowsAsync<TwilioRestException>(() => client.UpdateCallTwimlAsync("CA1", "<Response/>", CancellationToken.None).DefaultTimeout());

        Assert.Equal(401, error.Status);
        Assert.Equal(20003, error.Code);
        Assert.Empty(_twilio.Updates);
    }

    [Fact]
    public void The_dial_twiml_escapes_the_number()
        => Assert.Equal("<Response><Dial>+1&lt;5&gt;</Dial></Response>", DialTwiml.Build("+1<5>"));
}
