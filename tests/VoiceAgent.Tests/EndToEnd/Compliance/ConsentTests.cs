using System.Net;
using System.Text.Json;
using VoiceAgent.Conversation.Compliance;
using VoiceAgent.Tests.Storage;
using VoiceAgent.Tests.TestSupport;
using static VoiceAgent.Tests.Storage.RecordsTestSupport;

namespace VoiceAgent.Tests.EndToEnd.Compliance;

/// <summary>
/// The consent prompt over real ConversationRelay sockets against a server with SQLite records and a signed
/// end-of-call webhook: asked once per caller ID, answered by keypad or voice, honoured on the next call, and an
/// opt-out leaves no transcript anywhere.
/// </summary>
public sealed class ConsentTests : IAsyncLifetime
{
    private const string Greeting = "Hi, thanks for calling. How can I help?";
    private static readonly ConsentTexts English = ConsentTexts.BuiltIn["en-US"];
    private WebhookReceiver _webhook = null!;
    private RelayServer _server = null!;
    private string _dataDir = null!;

    public async Task InitializeAsync()
    {
        _webhook = await WebhookReceiver.StartAsync();
        _dataDir = Directory.CreateTempSubdirectory("voiceagent-consent-").FullName;
        _server = await RelayServer.StartAsync(new Dictionary<string, string?>
        {
            ["CONSENT_REQUIRED"] = "true",
            ["DATA_DIR"] = _dataDir,
            ["ADMIN_TOKEN"] = AdminToken,
            ["CALL_END_WEBHOOK_URL"] = _webhook.Url.ToString(),
            ["CALL_END_WEBHOOK_SECRET"] = "webhook-secret-0123456789",
        });
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _webhook.DisposeAsync();
        Directory.Delete(_dataDir, recursive: true);
    }

    [Fact]
    public async Task A_caller_who_presses_1_is_greeted_kept_on_record_and_not_asked_again_on_the_next_call()
    {
        const string from = "+14155550111";
        var (first, firstSid) = await DialAsync(_server, from);
        await using (first)
        {
            Assert.Equal(English.Notice, (await first.ReadReplyAsync(0).DefaultTimeout()).Text);
            await first.SendDtmfAsync("1").DefaultTimeout();
            Assert.Equal(Greeting, (await first.ReadReplyAsync(0).DefaultTimeout()).Text);
            await first.AskAsync("What are your opening hours?");
        }
        await WebhookForAsync(firstSid);

        var (second, secondSid) = await DialAsync(_server, from);
        await using (second)
        {
            // No notice this time: the first thing the caller hears is the answer (the carrier spoke the call-back greeting).
            Assert.StartsWith("Emulated reply to: And on Sundays?", await second.AskAsync("And on Sundays?"), StringComparison.Ordinal);
        }
        await WebhookForAsync(secondSid);

        using var admin = Admin(_server);
        var transcript = await admin.GetStringAsync($"/admin/calls/{firstSid}/transcript?reason=test").DefaultTimeout();
        Assert.Contains("What are your opening hours?", transcript, StringComparison.Ordinal);
        Assert.Contains("consent given (keypad)", transcript, StringComparison.Ordinal);
        Assert.Empty(FilesContaining(_dataDir, "4155550111")); // the number is kept only as its keyed hash
    }

    [Fact]
    public async Task A_caller_who_says_no_keeps_no_transcript_the_hand_over_omits_it_and_the_next_call_is_not_asked_again()
    {
        const string from = "+14155550122";
        var (first, firstSid) = await DialAsync(_server, from);
        await using (first)
        {
            Assert.Equal(English.Notice, (await first.ReadReplyAsync(0).DefaultTimeout()).Text);
            await first.SendPromptAsync("No, thank you.").DefaultTimeout();
            Assert.Equal(English.Declined, (await first.ReadReplyAsync(0).DefaultTimeout()).Text);
            Assert.Equal(Greeting, (await first.ReadReplyAsync(0).DefaultTimeout()).Text);
            await first.AskAsync("My account is overdue, what can I do?");
        }
        using (var hook = JsonDocument.Parse((await WebhookForAsync(firstSid)).Body))
        {
            Assert.True(hook.RootElement.GetProperty("transcriptWithheld").GetBoolean());
            Assert.Equal(JsonValueKind.Null, hook.RootElement.GetProperty("transcript").ValueKind);
        }

        var (second, secondSid) = await DialAsync(_server, from);
        await using (second)
        {
            Assert.Equal(Greeting, (await second.ReadReplyAsync(0).DefaultTimeout()).Text);
            await second.AskAsync("Is anyone there?");
        }
        using (var hook = JsonDocument.Parse((await WebhookForAsync(secondSid)).Body))
            Assert.True(hook.RootElement.GetProperty("transcriptWithheld").GetBoolean());

        await WaitUntilAsync(() => !Directory.EnumerateFiles(Path.Combine(_dataDir, "spool", "transcripts")).Any(), "the transcript spool to drain");
        using var admin = Admin(_server);
        foreach (var sid in new[] { firstSid, secondSid })
            Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/admin/calls/{sid}/transcript?reason=test").DefaultTimeout()).StatusCode);
        Assert.Empty(FilesContaining(_dataDir, "overdue"));
        Assert.Empty(FilesContaining(_dataDir, "Is anyone there"));
    }

    [Fact]
    public async Task An_unclear_answer_is_asked_again_and_a_second_one_goes_on_as_declined_without_filing_it()
    {
        const string from = "+14155550133";
        var (first, firstSid) = await DialAsync(_server, from);
        await using (first)
        {
            Assert.Equal(English.Notice, (await first.ReadReplyAsync(0).DefaultTimeout()).Text);
            await first.SendDtmfAsync("5").DefaultTimeout();
            Assert.Equal(English.NotUnderstood + " " + English.Notice, (await first.ReadReplyAsync(0).DefaultTimeout()).Text);
            await first.SendPromptAsync("What?").DefaultTimeout();
            Assert.Equal(English.Declined, (await first.ReadReplyAsync(0).DefaultTimeout()).Text);
        }
        using (var hook = JsonDocument.Parse((await WebhookForAsync(firstSid)).Body))
            Assert.True(hook.RootElement.GetProperty("transcriptWithheld").GetBoolean());

        var (second, _) = await DialAsync(_server, from);
        await using (second) Assert.Equal(English.Notice, (await second.ReadReplyAsync(0).DefaultTimeout()).Text); // asked again
    }

    private async Task<ReceivedWebhook> WebhookForAsync(string callSid)
    {
        for (var i = 0; i < 20; i++)
        {
            var hook = await _webhook.NextAsync();
            using var doc = JsonDocument.Parse(hook.Body);
            if (doc.RootElement.GetProperty("callSid").GetString() == callSid) return hook;
        }
        throw new InvalidOperationException($"no webhook for {callSid}");
    }
}
