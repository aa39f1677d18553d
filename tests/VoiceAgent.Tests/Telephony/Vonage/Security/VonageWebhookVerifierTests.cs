using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using VoiceAgent.Emulators.Vonage;
using VoiceAgent.Telephony.Vonage.Security;

namespace VoiceAgent.Tests.Telephony.Vonage.Security;

/// <summary>The verifier against the documented Vonage fixture (protocols/vonage-signed-webhooks.md, "Test fixtures"), on a fixed clock.</summary>
public sealed class VonageWebhookVerifierTests
{
    private const string Secret = "test-signature-secret-0123456789abcdef";
    private const string Body = """{"from":"447700900000","to":"447700900001","uuid":"aaaaaaaa-bbbb-cccc-dddd-0123456789ab","conversation_uuid":"CON-aaaaaaaa-bbbb-cccc-dddd-0123456789ab","status":"answered","direction":"outbound","timestamp":"2025-07-01T12:00:00.000Z"}""";
    private const string Token = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpYXQiOjE3NTEzNzEyMDAsImp0aSI6ImM1YmE4ZjI0LTFhMTQtNGMxMC1iZmRmLTNmYmU4Y2U1MTFiNSIsImlzcyI6IlZvbmFnZSIsInBheWxvYWRfaGFzaCI6IjEyZjc3NmFmZWRhYmEzNmM3MjczOTc2ZTA0NDJmZjA2MmM2YjA4N2Q5NmY2NGMyZWEyOGU5NmM1M2YwNWIxMWMiLCJhcGlfa2V5IjoiYTFiMmMzZDQiLCJhcHBsaWNhdGlvbl9pZCI6ImFhYWFhYWFhLWJiYmItY2NjYy1kZGRkLTAxMjM0NTY3ODlhYiJ9.jIWFMo7YgQwOxoParGWRyHpKbR83oOQbUdT4NaHQdms";
    private static readonly DateTimeOffset IssuedAt = new(2025, 7, 1, 12, 0, 0, TimeSpan.Zero);

    private static VonageWebhookVerifier Verifier(DateTimeOffset now, string? secret = Secret)
        => new(new VonageWebhookOptions { SignatureSecret = secret }, new FixedClock(now), NullLogger<VonageWebhookVerifier>.Instance);

    private static DefaultHttpContext Post(string body, string? token)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.Path = "/vonage/event";
        var bytes = Encoding.UTF8.GetBytes(body);
        context.Request.Body = new MemoryStream(bytes);
        context.Request.ContentLength = bytes.Length;
        if (token is not null) context.Request.Headers.Authorization = "Bearer " + token;
        return context;
    }

    [Fact]
    public async Task The_documented_fixture_is_accepted_and_its_body_stays_readable()
    {
        var context = Post(Body, Token);

        Assert.Equal(VonageRejectReason.None, await Verifier(IssuedAt.AddSeconds(30)).VerifyAsync(context, CancellationToken.None));
        Assert.Equal(Body, await new StreamReader(context.Request.Body).ReadToEndAsync());
    }

    [Fact]
    public async Task The_emulator_signs_exactly_like_the_fixture()
    {
        var token = VonageWebhookSigner.Sign(Secret, Encoding.UTF8.GetBytes(Body), IssuedAt, "c5ba8f24-1a14-4c10-bfdf-3fbe8ce511b5", "a1b2c3d4", "aaaaaaaa-bbbb-cccc-dddd-0123456789ab");
        Assert.Equal(Token, token);
    }

    [Theory]
    [InlineData(301, VonageRejectReason.Stale)] // issued more than five minutes before now
    [InlineData(-61, VonageRejectReason.Stale)] // issued in the future beyond the clock skew
    [InlineData(299, VonageRejectReason.None)]
    [InlineData(-59, VonageRejectReason.None)]
    public async Task Freshness_is_judged_on_iat_against_the_servers_clock(int tokenAgeSeconds, VonageRejectReason expected)
    {
        var verifier = Verifier(IssuedAt.AddSeconds(tokenAgeSeconds));
        Assert.Equal(expected, await verifier.VerifyAsync(Post(Body, Token), CancellationToken.None));
    }

    [Fact]
    public async Task A_body_changed_by_one_byte_is_refused()
        => Assert.Equal(VonageRejectReason.PayloadMismatch, await Verifier(IssuedAt).VerifyAsync(Post(Body.Replace("answered", "answeree", StringComparison.Ordinal), Token), CancellationToken.None));

    [Fact]
    public async Task The_same_jti_is_accepted_once()
    {
        var verifier = Verifier(IssuedAt);
        Assert.Equal(VonageRejectReason.None, await verifier.VerifyAsync(Post(Body, Token), CancellationToken.None));
        Assert.Equal(VonageRejectReason.Replayed, await verifier.VerifyAsync(Post(Body, Token), CancellationToken.None));
    }

    [Fact]
    public async Task Without_a_secret_everything_is_refused()
        => Assert.Equal(VonageRejectReason.NoSecretConfigured, await Verifier(IssuedAt, secret: null).VerifyAsync(Post(Body, Token), CancellationToken.None));

    [Fact]
    public async Task A_token_for_another_issuer_is_refused_even_when_signed_with_the_secret()
    {
        var token = VonageWebhookSigner.SignClaims(Secret, """{"alg":"HS256","typ":"JWT"}""", $$"""{"iat":{{IssuedAt.ToUnixTimeSeconds()}},"jti":"j1","iss":"Someone","payload_hash":"12f776afedaba36c7273976e0442ff062c6b087d96f64c2ea28e96c53f05b11c"}""");
        Assert.Equal(VonageRejectReason.BadClaims, await Verifier(IssuedAt).VerifyAsync(Post(Body, token), CancellationToken.None));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-a-jwt")]
    [InlineData("a.b")]
    [InlineData("a.b.c.d")]
    [InlineData("!!!.###.$$$")]
    public async Task Malformed_tokens_are_refused(string token)
        => Assert.NotEqual(VonageRejectReason.None, await Verifier(IssuedAt).VerifyAsync(Post(Body, token), CancellationToken.None));

    [Fact]
    public void A_get_webhooks_query_is_hashed_as_compact_json_in_the_order_received()
        => Assert.Equal("""{"to":"447700900000","from":"+447700900123","uuid":"u 1"}""", VonageWebhookVerifier.QueryAsJson("?to=447700900000&from=%2B447700900123&uuid=u+1"));

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
