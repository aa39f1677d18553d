using System.Net;
using System.Net.Http.Headers;
using System.Text;
using VoiceAgent.Emulators.ChatScript;
using VoiceAgent.Emulators.Vonage;
using VoiceAgent.Tests.TestSupport;
using VoiceAgent.Tests.TestSupport.Audio;

namespace VoiceAgent.Tests.EndToEnd;

/// <summary>
/// Vonage's answer and event webhooks take only requests Vonage signed (HS256 JWT with the account's signature
/// secret): the answer URL hands out the per-call socket secret, so anything else is refused with 401.
/// </summary>
[Collection(VoiceAgent.Tests.EmulatorsTests.RealTimeCollection.Name)]
public sealed class VonageWebhookSecurityTests : IAsyncLifetime
{
    private const string Uuid = "aaaaaaaa-bbbb-cccc-dddd-0123456789ab";
    private const string AnswerQuery = "/vonage/answer?to=447700900000&from=447700900123&uuid=" + Uuid + "&conversation_uuid=CON-" + Uuid;
    private AudioServer _server = null!;
    private readonly HttpClient _http = new();

    public async Task InitializeAsync() => _server = await AudioServer.StartAsync();

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    private static byte[] AnswerPayload() => VonageWebhookSigner.QueryPayload(
        [new("to", "447700900000"), new("from", "447700900123"), new("uuid", Uuid), new("conversation_uuid", "CON-" + Uuid)]);

    private async Task<HttpResponseMessage> GetAnswerAsync(string? bearer)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_server.Address, AnswerQuery));
        if (bearer is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        return await _http.SendAsync(request).DefaultTimeout();
    }

    private async Task<HttpResponseMessage> PostEventAsync(byte[] body, string bearer)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_server.Address, "/vonage/event")) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        return await _http.SendAsync(request).DefaultTimeout();
    }

    private static async Task AssertRefusedWithoutTheSecretAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.DoesNotContain("callSecret", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_answer_request_without_a_jwt_is_refused()
    {
        using var response = await GetAnswerAsync(null);
        await AssertRefusedWithoutTheSecretAsync(response);
    }

    [Fact]
    public async Task An_answer_request_with_a_forged_jwt_is_refused()
    {
        var valid = VonageWebhookSigner.Sign(AudioServer.VonageSignatureSecret, AnswerPayload(), DateTimeOffset.UtcNow);
        var forgedSignature = valid[..(valid.LastIndexOf('.') + 1)] + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
        using var response = await GetAnswerAsync(forgedSignature);
        await AssertRefusedWithoutTheSecretAsync(response);
    }

    [Fact]
    public async Task An_unsigned_alg_none_jwt_is_refused()
    {
        var header = System.Buffers.Text.Base64Url.EncodeToString("""{"alg":"none","typ":"JWT"}"""u8);
        var claims = System.Buffers.Text.Base64Url.EncodeToString(Encoding.UTF8.GetBytes($$"""{"iat":{{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}},"jti":"x","iss":"Vonage"}"""));
        using var response = await GetAnswerAsync(header + "." + claims + ".");
        await AssertRefusedWithoutTheSecretAsync(response);
    }

    [Fact]
    public async Task An_answer_request_signed_with_another_secret_is_refused()
    {
        using var response = await GetAnswerAsync(VonageWebhookSigner.Sign("another-accounts-secret-0123456789abcdef", AnswerPayload(), DateTimeOffset.UtcNow));
        await AssertRefusedWithoutTheSecretAsync(response);
    }

    [Fact]
    public async Task An_answer_request_whose_jwt_was_issued_too_long_ago_is_refused()
    {
        using var response = await GetAnswerAsync(VonageWebhookSigner.Sign(AudioServer.VonageSignatureSecret, AnswerPayload(), DateTimeOffset.UtcNow.AddHours(-1)));
        await AssertRefusedWithoutTheSecretAsync(response);
    }

    [Fact]
    public async Task An_answer_request_whose_query_was_changed_after_signing_is_refused()
    {
        var signedForAnotherCall = VonageWebhookSigner.QueryPayload(
            [new("to", "447700900000"), new("from", "447700900123"), new("uuid", "another-call"), new("conversation_uuid", "CON-" + Uuid)]);
        using var response = await GetAnswerAsync(VonageWebhookSigner.Sign(AudioServer.VonageSignatureSecret, signedForAnotherCall, DateTimeOffset.UtcNow));
        await AssertRefusedWithoutTheSecretAsync(response);
    }

    [Fact]
    public async Task A_replayed_jwt_is_refused_the_second_time()
    {
        var token = VonageWebhookSigner.Sign(AudioServer.VonageSignatureSecret, AnswerPayload(), DateTimeOffset.UtcNow);
        using var first = await GetAnswerAsync(token);
        using var second = await GetAnswerAsync(token);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        await AssertRefusedWithoutTheSecretAsync(second);
    }

    [Fact]
    public async Task An_event_whose_body_was_tampered_with_is_refused()
    {
        var body = Encoding.UTF8.GetBytes($$"""{"uuid":"{{Uuid}}","status":"answered","direction":"inbound"}""");
        var token = VonageWebhookSigner.Sign(AudioServer.VonageSignatureSecret, body, DateTimeOffset.UtcNow);
        var tampered = Encoding.UTF8.GetBytes($$"""{"uuid":"{{Uuid}}","status":"completed","direction":"inbound"}""");

        using var response = await PostEventAsync(tampered, token);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task An_event_signed_without_a_payload_hash_is_refused()
    {
        var body = Encoding.UTF8.GetBytes($$"""{"uuid":"{{Uuid}}","status":"answered"}""");
        using var response = await PostEventAsync(body, VonageWebhookSigner.Sign(AudioServer.VonageSignatureSecret, body, DateTimeOffset.UtcNow, includePayloadHash: false));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_signed_transfer_event_which_has_no_status_is_accepted()
    {
        var body = Encoding.UTF8.GetBytes($$"""{"conversation_uuid_from":"CON-{{Uuid}}","conversation_uuid_to":"CON-xfer","uuid":"{{Uuid}}","timestamp":"2026-12-07T08:00:00.000Z"}""");
        using var response = await _server.VonageWebhooks(_http).SendSignedAsync(HttpMethod.Post, "/vonage/event", body, CancellationToken.None).DefaultTimeout();
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    [Fact]
    public async Task A_signed_event_without_a_status_or_transfer_is_refused_as_unreadable()
    {
        var body = Encoding.UTF8.GetBytes($$"""{"uuid":"{{Uuid}}"}""");
        using var response = await _server.VonageWebhooks(_http).SendSignedAsync(HttpMethod.Post, "/vonage/event", body, CancellationToken.None).DefaultTimeout();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task A_signed_event_is_accepted()
    {
        using var response = await _server.VonageWebhooks(_http).SendEventAsync(Uuid, "answered", CancellationToken.None).DefaultTimeout();
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    [Fact]
    public async Task A_signed_answer_connects_a_call_that_completes_a_turn()
    {
        _server.Stt.EnqueueTranscript("What are your opening hours?");
        _server.Model.Enqueue(ChatReply.Text("We are open from nine to five."));
        var answer = await _server.VonageWebhooks(_http).AnswerAsync(Uuid, "447700900123", "447700900000", CancellationToken.None).DefaultTimeout();
        await using var caller = await VonageCaller.ConnectAsync(new Uri($"ws://{_server.Address.Authority}/ws/vonage"), answer.ToCallerOptions(), CancellationToken.None).DefaultTimeout();

        await caller.PlayAsync(await TestAudio.SpeechPcm16kAsync("What are your opening hours?")).DefaultTimeout();

        var request = await _server.Model.Requests.WhenReceived(0).DefaultTimeout(TimeSpan.FromSeconds(20));
        Assert.EndsWith("What are your opening hours?", request.Messages[^1].Text, StringComparison.Ordinal);
        await caller.WaitForAudioAsync(16_000).DefaultTimeout(TimeSpan.FromSeconds(20)); // the reply is spoken
    }

    [Fact]
    public async Task Without_a_configured_secret_every_vonage_webhook_is_refused()
    {
        await using var server = await AudioServer.StartAsync(new Dictionary<string, string?> { ["VONAGE_SIGNATURE_SECRET"] = null });
        using var response = await server.VonageWebhooks(_http).SendAnswerAsync(Uuid, "447700900123", "447700900000", CancellationToken.None).DefaultTimeout();
        await AssertRefusedWithoutTheSecretAsync(response);
    }
}
