using System.Data.Common;
using VoiceAgent.Speech.Pipeline;
using static VoiceAgent.Storage.Records.SqlCommands;

namespace VoiceAgent.Storage.Records;

/// <summary>
/// <see cref="IRecordsStore"/> in portable SQL (SQLite and PostgreSQL both take <c>@name</c> parameters and
/// <c>ON CONFLICT</c>); the few differences live in <see cref="RecordsDialect"/>. Times are stored as Unix
/// milliseconds. A connection per operation, from the provider's pool.
/// </summary>
internal sealed partial class SqlRecordsStore(RecordsDialect dialect) : IRecordsStore, IAsyncDisposable
{
    public string Kind => dialect.Kind;
    public string Describe => dialect.Describe;
    internal RecordsDialect Dialect => dialect;

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        await using var transaction = await BeginAsync(connection, cancellationToken);
        // The lock comes first, even before creating the versions table: concurrent CREATE TABLE IF NOT EXISTS can collide in PostgreSQL.
        if (dialect.MigrationLockSql is { } lockSql)
            await using (var take = Command(connection, transaction, lockSql)) await take.ExecuteScalarAsync(cancellationToken);
        await using (var create = Command(connection, transaction, "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)"))
            await create.ExecuteNonQueryAsync(cancellationToken);
        var applied = new HashSet<int>();
        await using (var read = Command(connection, transaction, "SELECT version FROM schema_migrations"))
        await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
            while (await reader.ReadAsync(cancellationToken)) applied.Add(Convert.ToInt32(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture));
        foreach (var (version, sql) in RecordsMigrations.For(dialect))
        {
            if (applied.Contains(version)) continue;
            await using (var step = Command(connection, transaction, sql)) await step.ExecuteNonQueryAsync(cancellationToken);
            await using var mark = Command(connection, transaction, "INSERT INTO schema_migrations (version, applied_at) VALUES (@v, @at)", ("v", version), ("at", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
            await mark.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task PingAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        await using var command = Command(connection, null, "SELECT 1");
        await command.ExecuteScalarAsync(cancellationToken);
    }

    public async Task<bool> InsertTranscriptAsync(StoredTranscript t, CancellationToken cancellationToken)
        => await dialect.ExecuteAsync("""
            INSERT INTO transcripts (call_sid, caller_hash, started_at, ended_at, key_id, ciphertext)
            VALUES (@sid, @caller, @started, @ended, @key, @data) ON CONFLICT (call_sid) DO NOTHING
            """, cancellationToken,
            ("sid", t.CallSid), ("caller", t.CallerHash), ("started", t.StartedAt.ToUnixTimeMilliseconds()),
            ("ended", t.EndedAt.ToUnixTimeMilliseconds()), ("key", t.KeyId), ("data", t.Ciphertext)) == 1;

    public async Task<StoredTranscript?> GetTranscriptAsync(string callSid, CancellationToken cancellationToken)
        => (await QueryTranscriptsAsync("WHERE call_sid = @sid", cancellationToken, ("sid", callSid))) is [var first, ..] ? first : null;

    public Task<IReadOnlyList<StoredTranscript>> ListTranscriptsAsync(CancellationToken cancellationToken)
        => QueryTranscriptsAsync("ORDER BY id", cancellationToken);

    public Task<IReadOnlyList<StoredTranscript>> ListTranscriptsNotUnderKeyAsync(string keyId, int limit, CancellationToken cancellationToken)
        => QueryTranscriptsAsync("WHERE key_id <> @key ORDER BY id LIMIT @limit", cancellationToken, ("key", keyId), ("limit", limit));

    public async Task<bool> ReplaceCiphertextAsync(string callSid, string expectedKeyId, string keyId, byte[] ciphertext, CancellationToken cancellationToken)
        => await dialect.ExecuteAsync("UPDATE transcripts SET key_id = @key, ciphertext = @data WHERE call_sid = @sid AND key_id = @expected", cancellationToken,
            ("key", keyId), ("data", ciphertext), ("sid", callSid), ("expected", expectedKeyId)) == 1;

    public Task<int> DeleteTranscriptsEndedBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
        => dialect.ExecuteAsync("DELETE FROM transcripts WHERE ended_at < @cutoff", cancellationToken, ("cutoff", cutoff.ToUnixTimeMilliseconds()));

    public Task SetConsentAsync(string callerHash, ConsentDecision decision, DateTimeOffset at, CancellationToken cancellationToken)
        => dialect.ExecuteAsync("""
            INSERT INTO consent_decisions (caller_hash, decision, decided_at) VALUES (@caller, @decision, @at)
            ON CONFLICT (caller_hash) DO UPDATE SET decision = excluded.decision, decided_at = excluded.decided_at
            """, cancellationToken, ("caller", callerHash), ("decision", decision.ToString().ToLowerInvariant()), ("at", at.ToUnixTimeMilliseconds()));

    public async Task<ConsentDecision?> GetConsentAsync(string callerHash, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        await using var command = Command(connection, null, "SELECT decision FROM consent_decisions WHERE caller_hash = @caller", ("caller", callerHash));
        return await command.ExecuteScalarAsync(cancellationToken) is string value && Enum.TryParse<ConsentDecision>(value, ignoreCase: true, out var decision) ? decision : null;
    }

    public async Task<IReadOnlyList<CallLocale>> GetLocalesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        await using var command = Command(connection, null, "SELECT name, calling_codes, stt_model, stt_language, tts_voice_id, tts_language_code FROM locales ORDER BY name");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<CallLocale>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new CallLocale(
                reader.GetString(0),
                reader.GetString(1).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetString(5)));
        }
        return rows;
    }

    public Task UpsertLocaleAsync(CallLocale locale, CancellationToken cancellationToken) => dialect.ExecuteAsync("""
        INSERT INTO locales (name, calling_codes, stt_model, stt_language, tts_voice_id, tts_language_code)
        VALUES (@name, @codes, @model, @language, @voice, @tts)
        ON CONFLICT (name) DO UPDATE SET calling_codes = excluded.calling_codes, stt_model = excluded.stt_model,
            stt_language = excluded.stt_language, tts_voice_id = excluded.tts_voice_id, tts_language_code = excluded.tts_language_code
        """, cancellationToken, LocaleParameters(locale));

    public async Task SeedLocalesAsync(IReadOnlyList<CallLocale> rows, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        await using var transaction = await BeginAsync(connection, cancellationToken);
        await using (var count = Command(connection, transaction, "SELECT COUNT(*) FROM locales"))
            if (Convert.ToInt64(await count.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture) > 0) return;
        foreach (var row in rows)
        {
            await using var insert = Command(connection, transaction, """
                INSERT INTO locales (name, calling_codes, stt_model, stt_language, tts_voice_id, tts_language_code)
                VALUES (@name, @codes, @model, @language, @voice, @tts) ON CONFLICT (name) DO NOTHING
                """, LocaleParameters(row));
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    public Task AppendAuditAsync(AuditEntry e, CancellationToken cancellationToken) => dialect.ExecuteAsync("""
        INSERT INTO audit_log (at, actor, action, call_sid, caller_hash, reason) VALUES (@at, @actor, @action, @sid, @caller, @reason)
        """, cancellationToken, ("at", e.At.ToUnixTimeMilliseconds()), ("actor", e.Actor), ("action", e.Action), ("sid", e.CallSid), ("caller", e.CallerHash), ("reason", e.Reason));

    public async Task<IReadOnlyList<AuditEntry>> ListAuditAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        await using var command = Command(connection, null, "SELECT id, at, actor, action, call_sid, caller_hash, reason FROM audit_log ORDER BY id");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<AuditEntry>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new AuditEntry(DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)), reader.GetString(2), reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5), reader.GetString(6)) { Id = reader.GetInt64(0) });
        }
        return rows;
    }

    public async Task<int> EraseCallerAsync(string callerHash, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        await using var transaction = await BeginAsync(connection, cancellationToken);
        var erased = 0;
        foreach (var sql in new[]
        {
            "DELETE FROM transcripts WHERE caller_hash = @caller",
            "DELETE FROM consent_decisions WHERE caller_hash = @caller",
            "UPDATE audit_log SET caller_hash = NULL WHERE caller_hash = @caller",
        })
        {
            await using var command = Command(connection, transaction, sql, ("caller", callerHash));
            erased += await command.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return erased;
    }

    public ValueTask DisposeAsync() => dialect.DisposeAsync();

    private Task<IReadOnlyList<StoredTranscript>> QueryTranscriptsAsync(string where, CancellationToken cancellationToken, params (string, object?)[] parameters)
        => dialect.QueryAsync("SELECT id, call_sid, caller_hash, started_at, ended_at, key_id, ciphertext FROM transcripts " + where,
            reader => new StoredTranscript(reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)),
                reader.GetString(5), (byte[])reader.GetValue(6)) { Id = reader.GetInt64(0) }, cancellationToken, parameters);

    private static (string, object?)[] LocaleParameters(CallLocale l) =>
        [("name", l.Name), ("codes", string.Join(',', l.CallingCodes)), ("model", l.SttModel), ("language", l.SttLanguage), ("voice", l.TtsVoiceId), ("tts", l.TtsLanguageCode)];
}
