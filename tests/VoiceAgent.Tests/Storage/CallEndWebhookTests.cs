using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using VoiceAgent.Storage.Encryption;
using VoiceAgent.Storage.Records;
using VoiceAgent.Tests.TestSupport;
using static VoiceAgent.Tests.Storage.RecordsTestSupport;

namespace VoiceAgent.Tests.Storage;

/// <summary>The end-of-call hand-over: a signed JSON POST to a local receiver over real sockets.</summary>
public sealed class CallEndWebhookTests : IAsyncLifetime
{
    private const string Secret = "crm-shared-secret-0123456789";
    private RecordsBackend _backend = null!;

    public async Task InitializeAsync() => _backend = await RecordsBackend.CreateAsync("sqlite");
    public async Task DisposeAsync() => await _backend.DisposeAsync();

    private Task<RelayServer> StartServerAsync(WebhookReceiver receiver)
    {
        var settings = _backend.ServerSettings();
        settings["CALL_END_WEBHOOK_URL"] = receiver.Url.ToString();
        settings["CALL_END_WEBHOOK_SECRET"] = Secret;
        return RelayServer.StartAsync(settings);
    }

    [Fact]
    public async Task The_call_end_post_is_signed_over_its_body_and_retried_after_a_500()
    {
        await using var receiver = await WebhookReceiver.StartAsync(500);
        await using var server = await StartServerAsync(receiver);
        var callSid = await CallAndHangUpAsync(server, "please update my address");

        var failed = await receiver.NextAsync();
        var delivered = await receiver.NextAsync();

        Assert.Equal((500, 200), (failed.AnsweredWith, delivered.AnsweredWith));
        Assert.Equal(failed.Body, delivered.Body);
        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), delivered.Body));
        Assert.Equal(expected, delivered.Headers["X-VoiceAgent-Signature"]);
        Assert.Equal(callSid, delivered.Headers["X-VoiceAgent-Delivery"]);
        Assert.StartsWith("application/json", delivered.Headers["Content-Type"], StringComparison.Ordinal);
        using var payload = JsonDocument.Parse(delivered.Body);
        var root = payload.RootElement;
        Assert.Equal(callSid, root.GetProperty("callSid").GetString());
        Assert.Equal("completed", root.GetProperty("outcome").GetString());
        Assert.Equal(1, root.GetProperty("turnCount").GetInt32());
        Assert.True(root.GetProperty("durationSeconds").GetDouble() >= 0);
        Assert.False(root.GetProperty("transcriptWithheld").GetBoolean());
        Assert.Contains(root.GetProperty("transcript").EnumerateArray(), e => e.GetProperty("text").GetString() == "please update my address");
        await WaitUntilAsync(() => Directory.GetFiles(Path.Combine(_backend.DataDir, "spool", "webhooks"), "*.spool").Length == 0, "the webhook spool to empty");
    }

    [Fact]
    public async Task A_caller_who_declined_consent_gets_no_transcript_in_the_post_and_none_stored()
    {
        const string caller = "+14155550123";
        await using (var store = _backend.OpenStore())
        {
            await store.MigrateAsync(CancellationToken.None);
            await store.SetConsentAsync(CallerIdHasher.Load(_backend.DataDir, null).Hash(caller), ConsentDecision.Declined, DateTimeOffset.UtcNow, CancellationToken.None);
        }
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var server = await StartServerAsync(receiver);
        var callSid = await CallAndHangUpAsync(server, "do not keep this", caller);

        var delivered = await receiver.NextAsync();
        using var payload = JsonDocument.Parse(delivered.Body);
        Assert.Equal(callSid, payload.RootElement.GetProperty("callSid").GetString());
        Assert.True(payload.RootElement.GetProperty("transcriptWithheld").GetBoolean());
        Assert.Equal(JsonValueKind.Null, payload.RootElement.GetProperty("transcript").ValueKind);
        Assert.DoesNotContain("do not keep this", Encoding.UTF8.GetString(delivered.Body), StringComparison.Ordinal);

        // The archive spooled its copy before the webhook did (same teardown, in order), so this waits for a real decision.
        await WaitUntilAsync(() => Directory.GetFiles(Path.Combine(_backend.DataDir, "spool", "transcripts"), "*.spool").Length == 0, "the transcript spool to be processed");
        Assert.Equal(0, await _backend.CountAsync("transcripts"));
    }
}
