using System.Net;
using System.Text;
using VoiceAgent.Emulators.Twilio;
using VoiceAgent.Telephony.Twilio.Security;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.Telephony.Twilio.Security;

public sealed class TwilioSignatureFilterWebhookTests
{
    private const string HookUrl = SignedEndpointHost.PublicBase + "/twilio/hook";
    private static readonly TwilioRequestSigner Twilio = new(SignedEndpointHost.AuthToken);

    private static KeyValuePair<string, string>[] CallForm(string accountSid = SignedEndpointHost.AccountSid) =>
    [
        new("AccountSid", accountSid),
        new("CallSid", "CA00000000000000000000000000000001"),
        new("From", "+14158675309"),
        new("SpeechResult", "fish & chips + <gravy>"),
    ];

    [Fact]
    public async Task SignedWebhookReachesTheHandler()
    {
        await using var host = await SignedEndpointHost.StartAsync(SignedEndpointHost.DefaultOptions).DefaultTimeout();
        using var client = host.CreateClient();

        using var response = await client.SendAsync(Twilio.CreateFormPost(new Uri(host.BaseUrl, "/twilio/hook"), HookUrl, CallForm())).DefaultTimeout();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok:CA00000000000000000000000000000001", await response.Content.ReadAsStringAsync().DefaultTimeout());
    }

    [Fact]
    public async Task SignedWebhookWithQueryStringReachesTheHandler()
    {
        await using var host = await SignedEndpointHost.StartAsync(SignedEndpointHost.DefaultOptions).DefaultTimeout();
        using var client = host.CreateClient();

        using var response = await client.SendAsync(Twilio.CreateFormPost(
            new Uri(host.BaseUrl, "/twilio/hook?tenant=acme&step=2"), HookUrl + "?tenant=acme&step=2", CallForm())).DefaultTimeout();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task ForgedWebhookGets403WithPlainReasonAndNeverReachesTheHandler()
    {
        await using var host = await SignedEndpointHost.StartAsync(SignedEndpointHost.DefaultOptions).DefaultTimeout();
        using var client = host.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/twilio/hook") { Content = new FormUrlEncodedContent(CallForm()) };
        request.Headers.Add(TwilioSignature.HeaderName, new TwilioRequestSigner("guessed-token").Sign(HookUrl, CallForm()));

        using var response = await client.SendAsync(request).DefaultTimeout();

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("invalid X-Twilio-Signature", await response.Content.ReadAsStringAsync().DefaultTimeout());
        Assert.Equal(0, host.WebhookCalls);
    }

    [Fact]
    public async Task WebhookWithTamperedFormGets403()
    {
        await using var host = await SignedEndpointHost.StartAsync(SignedEndpointHost.DefaultOptions).DefaultTimeout();
        using var client = host.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/twilio/hook")
        {
            Content = new FormUrlEncodedContent([.. CallForm(), new("Digits", "9999")]),
        };
        request.Headers.Add(TwilioSignature.HeaderName, Twilio.Sign(HookUrl, CallForm()));

        using var response = await client.SendAsync(request).DefaultTimeout();

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task WebhookWithoutSignatureHeaderGets403()
    {
        await using var host = await SignedEndpointHost.StartAsync(SignedEndpointHost.DefaultOptions).DefaultTimeout();
        using var client = host.CreateClient();

        using var response = await client.PostAsync("/twilio/hook", new FormUrlEncodedContent(CallForm())).DefaultTimeout();

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("missing X-Twilio-Signature", await response.Content.ReadAsStringAsync().DefaultTimeout());
    }

    [Fact]
    public async Task WebhookSignedForTheHostHeaderUrlInsteadOfThePublicUrlGets403()
    {
        await using var host = await SignedEndpointHost.StartAsync(SignedEndpointHost.DefaultOptions).DefaultTimeout();
        using var client = host.CreateClient();
        var localUrl = new Uri(host.BaseUrl, "/twilio/hook");

        using var response = await client.SendAsync(Twilio.CreateFormPost(localUrl, localUrl.AbsoluteUri, CallForm())).DefaultTimeout();

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task MissingAuthTokenConfigRejectsEvenAWellSignedWebhook()
    {
        await using var host = await SignedEndpointHost.StartAsync(SignedEndpointHost.DefaultOptions with { AuthToken = null }).DefaultTimeout();
        using var client = host.CreateClient();

        using var response = await client.SendAsync(Twilio.CreateFormPost(new Uri(host.BaseUrl, "/twilio/hook"), HookUrl, CallForm())).DefaultTimeout();

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("Twilio auth token is not configured", await response.Content.ReadAsStringAsync().DefaultTimeout());
        Assert.Equal(0, host.WebhookCalls);
    }

    [Fact]
    public async Task SignedWebhookFromAForbiddenAccountGets403()
    {
        await using var host = await SignedEndpointHost.StartAsync(SignedEndpointHost.DefaultOptions).DefaultTimeout();
        using var client = host.CreateClient();

        using var response = await client.SendAsync(Twilio.CreateFormPost(
            new Uri(host.BaseUrl, "/twilio/hook"), HookUrl, CallForm("AC11111111111111111111111111111111"))).DefaultTimeout();

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("AccountSid not allowed", await response.Content.ReadAsStringAsync().DefaultTimeout());
    }

    [Fact]
    public async Task SignedWebhookFromAnAllowListedSubaccountReachesTheHandler()
    {
        const string subaccount = "AC22222222222222222222222222222222";
        await using var host = await SignedEndpointHost.StartAsync(SignedEndpointHost.DefaultOptions with { AllowedAccountSids = [subaccount] }).DefaultTimeout();
        using var client = host.CreateClient();

        using var response = await client.SendAsync(Twilio.CreateFormPost(new Uri(host.BaseUrl, "/twilio/hook"), HookUrl, CallForm(subaccount))).DefaultTimeout();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task BypassAcceptsUnsignedWebhook()
    {
        await using var host = await SignedEndpointHost.StartAsync(SignedEndpointHost.DefaultOptions with { AuthToken = null, BypassSignature = true }).DefaultTimeout();
        using var client = host.CreateClient();

        using var response = await client.PostAsync("/twilio/hook", new FormUrlEncodedContent(CallForm())).DefaultTimeout();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task SignedJsonBodyReachesTheHandlerWithTheBodyStillReadable()
    {
        await using var host = await SignedEndpointHost.StartAsync(SignedEndpointHost.DefaultOptions with { AccountSid = null }).DefaultTimeout();
        using var client = host.CreateClient();
        const string body = """{"event":"status","callSid":"CA1"}""";
        var (signedUrl, signature) = Twilio.SignBody(SignedEndpointHost.PublicBase + "/twilio/events", Encoding.UTF8.GetBytes(body));
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(host.BaseUrl, new Uri(signedUrl).PathAndQuery))
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(TwilioSignature.HeaderName, signature);

        using var response = await client.SendAsync(request).DefaultTimeout();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(body, await response.Content.ReadAsStringAsync().DefaultTimeout());
    }

    [Fact]
    public async Task JsonBodyThatDiffersFromItsSignedHashGets403()
    {
        await using var host = await SignedEndpointHost.StartAsync(SignedEndpointHost.DefaultOptions with { AccountSid = null }).DefaultTimeout();
        using var client = host.CreateClient();
        var (signedUrl, signature) = Twilio.SignBody(SignedEndpointHost.PublicBase + "/twilio/events", """{"amount":1}"""u8);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(host.BaseUrl, new Uri(signedUrl).PathAndQuery))
        {
            Content = new StringContent("""{"amount":1000}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(TwilioSignature.HeaderName, signature);

        using var response = await client.SendAsync(request).DefaultTimeout();

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("body does not match bodySHA256", await response.Content.ReadAsStringAsync().DefaultTimeout());
    }

    [Fact]
    public async Task RejectionIsLoggedWithPathAndReasonButNeverTheTokenOrSignature()
    {
        await using var host = await SignedEndpointHost.StartAsync(SignedEndpointHost.DefaultOptions).DefaultTimeout();
        using var client = host.CreateClient();
        var forged = new TwilioRequestSigner("guessed-token").Sign(HookUrl, CallForm());
        using var request = new HttpRequestMessage(HttpMethod.Post, "/twilio/hook") { Content = new FormUrlEncodedContent(CallForm()) };
        request.Headers.Add(TwilioSignature.HeaderName, forged);

        using var response = await client.SendAsync(request).DefaultTimeout();

        var rejection = Assert.Single(host.Logs.Entries, e => e.Id.Id == 2100);
        Assert.Equal("Rejected Twilio request to /twilio/hook: invalid X-Twilio-Signature", rejection.Message);
        Assert.DoesNotContain(host.Logs.Entries, e => e.Message.Contains(forged, StringComparison.Ordinal)
            || e.Message.Contains(SignedEndpointHost.AuthToken, StringComparison.Ordinal));
    }
}
