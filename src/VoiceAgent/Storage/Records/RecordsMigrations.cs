namespace VoiceAgent.Storage.Records;

/// <summary>
/// The schema, one numbered step at a time. Applied at start-up in order; each applied version is written to
/// <c>schema_migrations</c> in the same transaction, so running them again is a no-op. Add steps; never edit one.
/// </summary>
internal static class RecordsMigrations
{
    public static IReadOnlyList<(int Version, string Sql)> For(RecordsDialect dialect) =>
    [
        (1, $"""
            CREATE TABLE transcripts (
                id {dialect.IdentityColumn},
                call_sid TEXT NOT NULL UNIQUE,
                caller_hash TEXT NULL,
                started_at BIGINT NOT NULL,
                ended_at BIGINT NOT NULL,
                key_id TEXT NOT NULL,
                ciphertext {dialect.BlobType} NOT NULL
            );
            CREATE INDEX ix_transcripts_caller_hash ON transcripts (caller_hash);
            CREATE INDEX ix_transcripts_ended_at ON transcripts (ended_at);
            CREATE TABLE consent_decisions (
                caller_hash TEXT PRIMARY KEY,
                decision TEXT NOT NULL,
                decided_at BIGINT NOT NULL
            );
            CREATE TABLE locales (
                name TEXT PRIMARY KEY,
                calling_codes TEXT NOT NULL,
                stt_model TEXT NOT NULL,
                stt_language TEXT NOT NULL,
                tts_voice_id TEXT NOT NULL,
                tts_language_code TEXT NULL
            );
            CREATE TABLE audit_log (
                id {dialect.IdentityColumn},
                at BIGINT NOT NULL,
                actor TEXT NOT NULL,
                action TEXT NOT NULL,
                call_sid TEXT NULL,
                caller_hash TEXT NULL,
                reason TEXT NOT NULL
            );
            CREATE INDEX ix_audit_log_caller_hash ON audit_log (caller_hash);
            """),
        (2, Outbound.OutboundSchema.Sql(dialect)),
        (3, CallCostSchema.Sql),
        (4, Recordings.RecordingQueueSchema.Sql(dialect)),
    ];
}
