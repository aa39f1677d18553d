using VoiceAgent.Speech.Pipeline;
using VoiceAgent.Storage.Records;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.Storage;

/// <summary>The records store's behaviour, run against real SQLite and real PostgreSQL alike.</summary>
public abstract class RecordsStoreTests(string kind) : IAsyncLifetime
{
    private RecordsBackend _backend = null!;

    public async Task InitializeAsync() => _backend = await RecordsBackend.CreateAsync(kind).DefaultTimeout(TimeSpan.FromSeconds(30));
    public async Task DisposeAsync() => await _backend.DisposeAsync();

    [Fact]
    public async Task Migrations_applied_twice_and_from_a_second_instance_change_nothing()
    {
        await using var first = _backend.OpenStore();
        await first.MigrateAsync(CancellationToken.None).DefaultTimeout();
        await first.InsertTranscriptAsync(Transcript("CA1"), CancellationToken.None).DefaultTimeout();
        await first.MigrateAsync(CancellationToken.None).DefaultTimeout();
        await using var second = _backend.OpenStore();
        await second.MigrateAsync(CancellationToken.None).DefaultTimeout();

        Assert.Equal(await MigrationStepsAsync(), await _backend.CountAsync("schema_migrations"));
        Assert.Equal(1, await _backend.CountAsync("transcripts"));
    }

    [Fact]
    public async Task Two_instances_migrating_at_once_both_succeed()
    {
        await using var a = _backend.OpenStore();
        await using var b = _backend.OpenStore();
        await Task.WhenAll(a.MigrateAsync(CancellationToken.None), b.MigrateAsync(CancellationToken.None)).DefaultTimeout(TimeSpan.FromSeconds(30));
        Assert.Equal(await MigrationStepsAsync(), await _backend.CountAsync("schema_migrations"));
    }

    [Fact]
    public async Task A_transcript_is_inserted_once_per_call_sid()
    {
        await using var store = await MigratedStoreAsync();
        Assert.True(await store.InsertTranscriptAsync(Transcript("CA1"), CancellationToken.None));
        Assert.False(await store.InsertTranscriptAsync(Transcript("CA1") with { KeyId = "other" }, CancellationToken.None));
        var stored = await store.GetTranscriptAsync("CA1", CancellationToken.None);
        Assert.Equal("k1", stored!.KeyId);
    }

    [Fact]
    public async Task Consent_is_kept_per_caller_and_the_latest_decision_wins()
    {
        await using var store = await MigratedStoreAsync();
        await store.SetConsentAsync("hA", ConsentDecision.Granted, DateTimeOffset.UtcNow, CancellationToken.None);
        await store.SetConsentAsync("hA", ConsentDecision.Declined, DateTimeOffset.UtcNow, CancellationToken.None);
        Assert.Equal(ConsentDecision.Declined, await store.GetConsentAsync("hA", CancellationToken.None));
        Assert.Null(await store.GetConsentAsync("hB", CancellationToken.None));
    }

    [Fact]
    public async Task Locales_are_seeded_only_into_an_empty_table_and_edits_stick()
    {
        await using var store = await MigratedStoreAsync();
        await store.SeedLocalesAsync(LocaleTable.BuiltIn("voice-1"), CancellationToken.None);
        await store.UpsertLocaleAsync(new CallLocale("de-DE", ["49", "43"], "nova-2", "de", "voice-de", "de"), CancellationToken.None);
        await store.SeedLocalesAsync(LocaleTable.BuiltIn("voice-1"), CancellationToken.None); // a restart

        var rows = await store.GetLocalesAsync(CancellationToken.None);
        Assert.Equal(LocaleTable.BuiltIn("voice-1").Count, rows.Count);
        var german = rows.Single(r => r.Name == "de-DE");
        Assert.Equal(["49", "43"], german.CallingCodes);
        Assert.Equal("voice-de", german.TtsVoiceId);
    }

    [Fact]
    public async Task Erasing_a_caller_removes_transcripts_consent_and_audit_references_and_nothing_else()
    {
        await using var store = await MigratedStoreAsync();
        await store.InsertTranscriptAsync(Transcript("CA1", "hA"), CancellationToken.None);
        await store.InsertTranscriptAsync(Transcript("CA2", "hB"), CancellationToken.None);
        await store.SetConsentAsync("hA", ConsentDecision.Granted, DateTimeOffset.UtcNow, CancellationToken.None);
        await store.AppendAuditAsync(new AuditEntry(DateTimeOffset.UtcNow, "admin", "transcript.read", "CA1", "hA", "support ticket"), CancellationToken.None);

        await store.EraseCallerAsync("hA", CancellationToken.None);

        Assert.Null(await store.GetTranscriptAsync("CA1", CancellationToken.None));
        Assert.NotNull(await store.GetTranscriptAsync("CA2", CancellationToken.None));
        Assert.Null(await store.GetConsentAsync("hA", CancellationToken.None));
        Assert.DoesNotContain("hA", await _backend.RawTableTextAsync("audit_log"), StringComparison.Ordinal);
        Assert.Single(await store.ListAuditAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Transcripts_that_ended_before_the_cutoff_are_deleted()
    {
        await using var store = await MigratedStoreAsync();
        var now = DateTimeOffset.UtcNow;
        await store.InsertTranscriptAsync(Transcript("CA-old") with { EndedAt = now.AddDays(-10) }, CancellationToken.None);
        await store.InsertTranscriptAsync(Transcript("CA-new") with { EndedAt = now }, CancellationToken.None);
        Assert.Equal(1, await store.DeleteTranscriptsEndedBeforeAsync(now.AddDays(-1), CancellationToken.None));
        Assert.Equal(["CA-new"], (await store.ListTranscriptsAsync(CancellationToken.None)).Select(t => t.CallSid));
    }

    [Fact]
    public async Task A_calls_cost_is_filed_once_with_its_whole_breakdown_exactly()
    {
        await using var store = await MigratedStoreAsync();
        var ended = DateTimeOffset.FromUnixTimeMilliseconds(1_780_000_000_123);
        var cost = new VoiceAgent.Observability.Cost.CallCost
        {
            Currency = "EUR", PricesAsOf = "2026-01-15", Total = 0.123457m, Carrier = 0.1m, SpeechToText = 0.004567m, Model = 0.00092m, TextToSpeech = 0.01797m,
            CarrierMinutes = 2.5m, SttSeconds = 45.678, InputTokens = 1200, CachedInputTokens = 1000, OutputTokens = 2, TtsCharacters = 179_700,
            UnpricedModels = ["gpt-x", "claude-y"],
        };

        Assert.True(await store.InsertCallCostAsync(new StoredCallCost("CA1", "media", ended, cost), CancellationToken.None));
        Assert.False(await store.InsertCallCostAsync(new StoredCallCost("CA1", "media", ended, cost with { Total = 9m }), CancellationToken.None)); // a retried delivery

        var stored = await store.GetCallCostAsync("CA1", CancellationToken.None);
        Assert.NotNull(stored);
        Assert.Equal(("CA1", "media", ended), (stored.CallSid, stored.Transport, stored.EndedAt));
        var c = stored.Cost;
        Assert.Equal(("EUR", "2026-01-15"), (c.Currency, c.PricesAsOf));
        Assert.Equal([0.123457m, 0.1m, 0.004567m, 0.00092m, 0.01797m, 2.5m], new[] { c.Total, c.Carrier, c.SpeechToText, c.Model, c.TextToSpeech, c.CarrierMinutes });
        Assert.Equal(45.678, c.SttSeconds);
        Assert.Equal([1200L, 1000L, 2L, 179_700L], new[] { c.InputTokens, c.CachedInputTokens, c.OutputTokens, c.TtsCharacters });
        Assert.Equal(["gpt-x", "claude-y"], c.UnpricedModels);
        Assert.Null(await store.GetCallCostAsync("CA2", CancellationToken.None));
    }

    [Fact]
    public async Task A_cost_with_no_unpriced_models_reads_back_an_empty_list()
    {
        await using var store = await MigratedStoreAsync();
        var cost = new VoiceAgent.Observability.Cost.CallCost
        {
            Currency = "USD", PricesAsOf = "2026-01-15", Total = 0m, Carrier = 0m, SpeechToText = 0m, Model = 0m, TextToSpeech = 0m,
            CarrierMinutes = 0m, SttSeconds = 0, InputTokens = 0, CachedInputTokens = 0, OutputTokens = 0, TtsCharacters = 0,
        };
        await store.InsertCallCostAsync(new StoredCallCost("CA1", "relay", DateTimeOffset.UtcNow, cost), CancellationToken.None);
        Assert.Empty((await store.GetCallCostAsync("CA1", CancellationToken.None))!.Cost.UnpricedModels);
    }

    private async Task<SqlRecordsStore> MigratedStoreAsync()
    {
        var store = _backend.OpenStore();
        await store.MigrateAsync(CancellationToken.None).DefaultTimeout();
        return store;
    }

    private static StoredTranscript Transcript(string callSid, string? callerHash = null)
        => new(callSid, callerHash, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow, "k1", [1, 2, 3]);

    /// <summary>Every numbered migration step, each applied exactly once.</summary>
    private async Task<int> MigrationStepsAsync()
    {
        await using var store = _backend.OpenStore();
        return VoiceAgent.Storage.Records.RecordsMigrations.For(store.Dialect).Count;
    }
}

public sealed class SqliteRecordsStoreTests() : RecordsStoreTests("sqlite");

public sealed class PostgresRecordsStoreTests() : RecordsStoreTests("postgresql");
