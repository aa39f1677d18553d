using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using VoiceAgent.Storage.Encryption;
using VoiceAgent.Tests.TestSupport;
using static VoiceAgent.Tests.Storage.RecordsTestSupport;

namespace VoiceAgent.Tests.Storage;

/// <summary>
/// Real relay calls over sockets against a server whose records live in real SQLite or real PostgreSQL: what is
/// stored at call end, that it is ciphertext, how it is read back (audited) and erased.
/// </summary>
public abstract class RecordsEndToEndTests(string kind) : IAsyncLifetime
{
    private RecordsBackend _backend = null!;

    public async Task InitializeAsync() => _backend = await RecordsBackend.CreateAsync(kind).DefaultTimeout(TimeSpan.FromSeconds(30));
    public async Task DisposeAsync() => await _backend.DisposeAsync();

    private Task<RelayServer> StartServerAsync(string? key = null, string? oldKeys = null)
    {
        var settings = _backend.ServerSettings(key);
        settings["ADMIN_TOKEN"] = AdminToken;
        settings["TRANSCRIPT_ENCRYPTION_OLD_KEYS"] = oldKeys;
        return RelayServer.StartAsync(settings);
    }

    [Fact]
    public async Task A_relay_call_leaves_its_whole_transcript_at_call_end()
    {
        await using var server = await StartServerAsync();
        var (caller, callSid) = await DialAsync(server);
        await using (caller)
        {
            await caller.AskAsync("What are your opening hours?");
            await caller.SendInterruptAsync(heard: "Emulated reply").DefaultTimeout(); // Twilio was still speaking it
            await caller.SendDtmfAsync("5").DefaultTimeout();
            await caller.ReadReplyAsync(0).DefaultTimeout();
        }
        await WaitForTranscriptAsync(_backend, callSid);

        using var admin = Admin(server);
        var json = await admin.GetStringAsync($"/admin/calls/{callSid}/transcript?reason=test").DefaultTimeout();
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        Assert.Equal(callSid, root.GetProperty("callSid").GetString());
        Assert.Equal("+18005550100", root.GetProperty("from").GetString());
        Assert.Equal(2, root.GetProperty("turnCount").GetInt32());
        Assert.Equal("completed", root.GetProperty("outcome").GetString());
        var entries = root.GetProperty("entries").EnumerateArray().Select(e => (Kind: e.GetProperty("kind").GetString(), Text: e.GetProperty("text").GetString(),
            Interrupted: e.TryGetProperty("interrupted", out var i) && i.GetBoolean())).ToList();
        Assert.Equal(["Agent", "Caller", "Agent", "Digit", "Agent"], entries.Select(e => e.Kind));
        Assert.Equal("What are your opening hours?", entries[1].Text);
        Assert.Equal(("Emulated reply", true), (entries[2].Text, entries[2].Interrupted));
        Assert.Equal("5", entries[3].Text);
        Assert.Contains("pressed 5", entries[4].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_handed_off_call_is_filed_with_its_hand_off_reason()
    {
        await using var server = await StartServerAsync();
        var (caller, callSid) = await DialAsync(server);
        await using (caller)
        {
            await caller.SendDtmfAsync("0").DefaultTimeout();
            await caller.NextOfTypeAsync("end");
        }
        await WaitForTranscriptAsync(_backend, callSid);

        using var admin = Admin(server);
        using var doc = JsonDocument.Parse(await admin.GetStringAsync($"/admin/calls/{callSid}/transcript?reason=test").DefaultTimeout());
        Assert.Equal("live-agent-handoff", doc.RootElement.GetProperty("outcome").GetString());
        Assert.Equal("caller pressed 0 for an operator", doc.RootElement.GetProperty("handoffReason").GetString());
    }

    [Fact]
    public async Task The_agent_s_actions_are_in_the_transcript()
    {
        await using var server = await StartServerAsync();
        server.Model.Enqueue(VoiceAgent.Emulators.ChatScript.ChatReply.ToolCall("escalate_to_human", """{"reason":"billing dispute","summary":"The caller disputes a charge."}"""));
        var (caller, callSid) = await DialAsync(server);
        await using (caller)
        {
            await caller.SendPromptAsync("Can you sort out my bill?").DefaultTimeout();
            await caller.NextOfTypeAsync("end");
        }
        await WaitForTranscriptAsync(_backend, callSid);

        using var admin = Admin(server);
        using var doc = JsonDocument.Parse(await admin.GetStringAsync($"/admin/calls/{callSid}/transcript?reason=test").DefaultTimeout());
        Assert.Equal(("live-agent-handoff", "billing dispute"), (doc.RootElement.GetProperty("outcome").GetString(), doc.RootElement.GetProperty("handoffReason").GetString()));
        Assert.Contains(doc.RootElement.GetProperty("entries").EnumerateArray(),
            e => e.GetProperty("kind").GetString() == "Action" && e.GetProperty("text").GetString() == "transferred to a person (billing dispute)");
    }

    [Fact]
    public async Task Readyz_reports_the_records_store()
    {
        await using var server = await StartServerAsync();
        using var http = new HttpClient { BaseAddress = server.Address };
        await WaitUntilAsync(async () =>
        {
            using var response = await http.GetAsync("/readyz");
            using var report = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            return report.RootElement.GetProperty("checks").EnumerateArray()
                .Any(c => c.GetProperty("name").GetString() == "records" && c.GetProperty("reachable").GetBoolean()
                    && c.GetProperty("origin").GetString()!.StartsWith(kind, StringComparison.Ordinal));
        }, "/readyz to report the records store reachable");
    }

    [Fact]
    public async Task The_stored_row_and_the_data_folder_hold_no_plaintext()
    {
        const string phrase = "my secret is purple elephant 4711";
        await using var server = await StartServerAsync();
        var callSid = await CallAndHangUpAsync(server, phrase);
        var row = await WaitForTranscriptAsync(_backend, callSid);

        var raw = await _backend.RawTableTextAsync("transcripts");
        Assert.Contains(callSid, raw, StringComparison.Ordinal); // the row is there...
        Assert.DoesNotContain("purple elephant", raw, StringComparison.Ordinal); // ...but not its words
        Assert.DoesNotContain("8005550100", raw, StringComparison.Ordinal); // nor the caller's number
        Assert.StartsWith("h", row.CallerHash, StringComparison.Ordinal);
        Assert.Empty(FilesContaining(_backend.DataDir, "purple elephant"));
        Assert.Empty(FilesContaining(_backend.DataDir, "8005550100"));
        if (!OperatingSystem.IsWindows())
        {
            const UnixFileMode others = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;
            foreach (var path in Directory.EnumerateFileSystemEntries(_backend.DataDir, "*", SearchOption.AllDirectories))
                Assert.True((File.GetUnixFileMode(path) & others) == 0, $"{path} is open to other users");
        }
    }

    [Fact]
    public async Task Reading_a_transcript_writes_who_and_why_to_the_audit_log()
    {
        await using var server = await StartServerAsync();
        var callSid = await CallAndHangUpAsync(server, "Hello");
        await WaitForTranscriptAsync(_backend, callSid);

        using var admin = Admin(server);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/admin/calls/{callSid}/transcript");
        request.Headers.Add("X-VoiceAgent-Reason", "complaint #42");
        request.Headers.Add("X-VoiceAgent-Actor", "alice@example.com");
        using var response = await admin.SendAsync(request).DefaultTimeout();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        await using var store = _backend.OpenStore();
        var audit = Assert.Single(await store.ListAuditAsync(CancellationToken.None));
        Assert.Equal(("alice@example.com", "transcript.read", callSid, "complaint #42"), (audit.Actor, audit.Action, audit.CallSid, audit.Reason));
    }

    [Fact]
    public async Task A_read_without_a_reason_is_refused_and_reads_nothing()
    {
        await using var server = await StartServerAsync();
        var callSid = await CallAndHangUpAsync(server, "Hello");
        await WaitForTranscriptAsync(_backend, callSid);

        using var admin = Admin(server);
        using var response = await admin.GetAsync($"/admin/calls/{callSid}/transcript").DefaultTimeout();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain("Hello", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await _backend.CountAsync("audit_log"));
    }

    [Fact]
    public async Task A_call_with_no_transcript_kept_is_404()
    {
        await using var server = await StartServerAsync();
        using var admin = Admin(server);
        using var response = await admin.GetAsync("/admin/calls/CA00000000000000000000000000000000/transcript?reason=test").DefaultTimeout();
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task A_calls_cost_is_filed_in_the_records_and_served_by_the_admin_api()
    {
        using var prices = new TestPriceFile("conversation-relay", carrierPerMinute: 0, sttPerMinute: 0, ttsPer1kCharacters: 0,
            inputPerMillion: 2, cachedInputPerMillion: 0.5m, outputPerMillion: 10);
        var settings = _backend.ServerSettings();
        settings["ADMIN_TOKEN"] = AdminToken;
        settings["PRICES_FILE"] = prices.Path;
        await using var server = await RelayServer.StartAsync(settings);
        // 1200 input tokens of which 1000 came from the prompt cache; two deltas = two output tokens.
        server.Model.Enqueue(VoiceAgent.Emulators.ChatScript.ChatReply.Text("We are open ", "from nine to five.") with { InputTokens = 1200, CachedInputTokens = 1000 });
        var callSid = await CallAndHangUpAsync(server, "What are your opening hours?");

        using var admin = Admin(server);
        string? json = null;
        await WaitUntilAsync(async () =>
        {
            using var response = await admin.GetAsync($"/admin/calls/{callSid}/cost");
            if (response.StatusCode != HttpStatusCode.OK) return false;
            json = await response.Content.ReadAsStringAsync();
            return true;
        }, "the call's cost is filed");

        using var doc = JsonDocument.Parse(json!);
        Assert.Equal(callSid, doc.RootElement.GetProperty("callSid").GetString());
        var cost = doc.RootElement.GetProperty("cost");
        Assert.Equal(("EUR", "2026-01-15"), (cost.GetProperty("currency").GetString(), cost.GetProperty("pricesAsOf").GetString()));
        Assert.Equal((1200L, 1000L, 2L), (cost.GetProperty("inputTokens").GetInt64(), cost.GetProperty("cachedInputTokens").GetInt64(), cost.GetProperty("outputTokens").GetInt64()));
        // Model: 200 uncached × 2 + 1000 cached × 0.5 + 2 output × 10, per million; everything else is priced at zero here.
        Assert.Equal(0.00092m, cost.GetProperty("model").GetDecimal());
        Assert.Equal(0.00092m, cost.GetProperty("total").GetDecimal());
        // In the database as exact millionths, beside the call SID and nothing about the caller.
        var raw = await _backend.RawTableTextAsync("call_costs");
        Assert.Contains(callSid, raw, StringComparison.Ordinal);
        Assert.Contains("\t920\t", raw, StringComparison.Ordinal);
        Assert.DoesNotContain("8005550100", raw, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_cost_of_a_call_with_none_filed_is_404_and_the_endpoint_needs_the_admin_token()
    {
        await using var server = await StartServerAsync();
        using (var admin = Admin(server))
        using (var response = await admin.GetAsync("/admin/calls/CA00000000000000000000000000000000/cost").DefaultTimeout())
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        using var anonymous = Admin(server, token: null);
        using var refused = await anonymous.GetAsync("/admin/calls/CA00000000000000000000000000000000/cost").DefaultTimeout();
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task Erasing_a_caller_leaves_nothing_about_them_behind()
    {
        const string erased = "+447700900123";
        await using var server = await StartServerAsync();
        var erasedCall = await CallAndHangUpAsync(server, "first caller speaking", erased);
        var keptCall = await CallAndHangUpAsync(server, "second caller speaking", "+18005550100");
        await WaitForTranscriptAsync(_backend, erasedCall);
        await WaitForTranscriptAsync(_backend, keptCall);
        using var admin = Admin(server);
        (await admin.GetAsync($"/admin/calls/{erasedCall}/transcript?reason=audit").DefaultTimeout()).Dispose();
        var hash = CallerIdHasher.Load(_backend.DataDir, null).Hash(erased);
        await using (var store = _backend.OpenStore())
            await store.SetConsentAsync(hash, VoiceAgent.Storage.Records.ConsentDecision.Granted, DateTimeOffset.UtcNow, CancellationToken.None);

        using var response = await admin.DeleteAsync($"/admin/callers/{Uri.EscapeDataString(erased)}?reason=GDPR%20request").DefaultTimeout();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        foreach (var table in new[] { "transcripts", "consent_decisions", "audit_log" })
            Assert.DoesNotContain(hash, await _backend.RawTableTextAsync(table), StringComparison.Ordinal);
        await using (var store = _backend.OpenStore())
        {
            Assert.Null(await store.GetTranscriptAsync(erasedCall, CancellationToken.None));
            Assert.NotNull(await store.GetTranscriptAsync(keptCall, CancellationToken.None));
            Assert.Contains(await store.ListAuditAsync(CancellationToken.None), a => a.Action == "caller.erased" && a.CallerHash is null);
        }
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_backend.DataDir, "spool"), "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task After_a_key_rotation_old_records_stay_readable_and_rekey_moves_them_to_the_new_key()
    {
        var oldKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var newKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        string callSid;
        await using (var before = await StartServerAsync(oldKey))
        {
            callSid = await CallAndHangUpAsync(before, "remember the blue door");
            await WaitForTranscriptAsync(_backend, callSid);
        }

        await using (var rotated = await StartServerAsync(newKey, oldKeys: oldKey))
        {
            using var admin = Admin(rotated);
            Assert.Contains("blue door", await admin.GetStringAsync($"/admin/calls/{callSid}/transcript?reason=rotation").DefaultTimeout(), StringComparison.Ordinal);
        }

        var settings = VoiceAgent.Hosting.VoiceAgentSettings.From(new Microsoft.Extensions.Configuration.ConfigurationBuilder()
            .AddInMemoryCollection(_backend.ServerSettings(newKey)).AddInMemoryCollection(new Dictionary<string, string?> { ["TRANSCRIPT_ENCRYPTION_OLD_KEYS"] = oldKey }).Build());
        var (rekeyed, keyId) = await VoiceAgent.Storage.Records.TranscriptRekeyer.RunAsync(settings, CancellationToken.None).DefaultTimeout();
        Assert.Equal(1, rekeyed);
        Assert.Equal(TranscriptKeyring.KeyIdOf(Convert.FromBase64String(newKey)), keyId);
        Assert.Equal(keyId, (await WaitForTranscriptAsync(_backend, callSid)).KeyId);

        await using (var newOnly = await StartServerAsync(newKey))
        {
            using var admin = Admin(newOnly);
            Assert.Contains("blue door", await admin.GetStringAsync($"/admin/calls/{callSid}/transcript?reason=after-rekey").DefaultTimeout(), StringComparison.Ordinal);
        }
    }
}

public sealed class SqliteRecordsEndToEndTests() : RecordsEndToEndTests("sqlite");

public sealed class PostgresRecordsEndToEndTests() : RecordsEndToEndTests("postgresql");
