using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using VoiceAgent.Emulators.Vonage;
using VoiceAgent.Emulators.Vonage.Rest;
using VoiceAgent.Telephony.Vonage.Rest;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.EmulatorsTests.Vonage;

/// <summary>
/// The Vonage REST emulator takes only a valid application JWT (RS256 over the application's key, its application_id,
/// unexpired, unused jti), so a request it accepts proves our client signs correctly, and the refusals prove it checks.
/// </summary>
public sealed class VonageRestAuthTests : IAsyncLifetime
{
    private const string ApplicationId = "aaaaaaaa-bbbb-cccc-dddd-0123456789ab";
    private const string Leg = "11111111-2222-3333-4444-555555555555";
    private readonly RSA _key = RSA.Create(2048);
    private readonly HttpClient _http = new();
    private VonageRestEmulator _vonage = null!;

    public async Task InitializeAsync()
    {
        var publicKey = RSA.Create();
        publicKey.ImportRSAPublicKey(_key.ExportRSAPublicKey(), out _);
        _vonage = new VonageRestEmulator(ApplicationId, publicKey, AudioServer.VonageSignatureSecret);
        await _vonage.StartAsync().DefaultTimeout();
        _vonage.AddInboundCall(Leg, "447700900123", "447700900000");
    }

    public async Task DisposeAsync()
    {
        await _vonage.DisposeAsync();
        _http.Dispose();
        _key.Dispose();
    }

    private async Task<HttpStatusCode> MuteWithAsync(string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, new Uri(_vonage.BaseUrl, "/v1/calls/" + Leg))
        {
            Content = new StringContent("""{"action":"mute"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await _http.SendAsync(request).DefaultTimeout();
        return response.StatusCode;
    }

    [Fact]
    public async Task A_token_our_client_signs_with_the_application_key_is_accepted()
    {
        var token = new VonageApplicationToken(ApplicationId, _key, TimeProvider.System).Mint();

        Assert.Equal(HttpStatusCode.NoContent, await MuteWithAsync(token));
        Assert.Equal("mute", Assert.Single(_vonage.Updates).Action);
    }

    [Fact]
    public async Task A_token_signed_with_another_key_is_refused()
    {
        using var other = RSA.Create(2048);
        var token = new VonageApplicationToken(ApplicationId, other, TimeProvider.System).Mint();

        Assert.Equal(HttpStatusCode.Unauthorized, await MuteWithAsync(token));
        Assert.Empty(_vonage.Updates);
    }

    [Fact]
    public async Task An_expired_token_is_refused()
    {
        var token = new VonageApplicationToken(ApplicationId, _key, new ManualTimeProvider()).Mint(); // issued on 2026-01-01, five minutes' life

        Assert.Equal(HttpStatusCode.Unauthorized, await MuteWithAsync(token));
    }

    [Fact]
    public async Task A_token_for_another_application_is_refused()
    {
        var token = new VonageApplicationToken("bbbbbbbb-bbbb-cccc-dddd-0123456789ab", _key, TimeProvider.System).Mint();

        Assert.Equal(HttpStatusCode.Unauthorized, await MuteWithAsync(token));
    }

    [Fact]
    public async Task A_replayed_token_is_refused()
    {
        var token = new VonageApplicationToken(ApplicationId, _key, TimeProvider.System).Mint();

        Assert.Equal(HttpStatusCode.NoContent, await MuteWithAsync(token));
        Assert.Equal(HttpStatusCode.Unauthorized, await MuteWithAsync(token));
    }

    [Fact]
    public async Task An_hs256_token_is_refused()
    {
        var token = VonageWebhookSigner.SignClaims("secret", """{"alg":"HS256","typ":"JWT"}""",
            $$"""{"application_id":"{{ApplicationId}}","iat":{{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}},"jti":"j1","exp":{{DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeSeconds()}}}""");

        Assert.Equal(HttpStatusCode.Unauthorized, await MuteWithAsync(token));
    }
}
