using VoiceAgent.Storage.Records;

namespace VoiceAgent.Storage.Outbound;

/// <summary>
/// Migration 2: outbound calls and their status history, the campaign queue, the do-not-call list. Numbers are kept
/// only sealed (with the transcript key) inside <c>payload</c>; lookups use the keyed caller hash.
/// </summary>
internal static class OutboundSchema
{
    public static string Sql(RecordsDialect dialect) => $"""
        CREATE TABLE outbound_calls (
            id TEXT PRIMARY KEY,
            call_sid TEXT NULL UNIQUE,
            queue_id BIGINT NULL,
            to_hash TEXT NOT NULL,
            transport TEXT NOT NULL,
            key_id TEXT NOT NULL,
            payload {dialect.BlobType} NOT NULL,
            status TEXT NOT NULL,
            last_sequence INTEGER NOT NULL,
            answered_by TEXT NULL,
            voicemail_left INTEGER NOT NULL,
            created_at BIGINT NOT NULL,
            updated_at BIGINT NOT NULL
        );
        CREATE TABLE call_status_events (
            id {dialect.IdentityColumn},
            outbound_id TEXT NOT NULL,
            call_sid TEXT NULL,
            kind TEXT NOT NULL,
            value TEXT NOT NULL,
            sequence_number INTEGER NULL,
            at BIGINT NOT NULL
        );
        CREATE INDEX ix_call_status_events_outbound_id ON call_status_events (outbound_id);
        CREATE TABLE outbound_queue (
            id {dialect.IdentityColumn},
            to_hash TEXT NOT NULL,
            transport TEXT NOT NULL,
            time_zone TEXT NOT NULL,
            key_id TEXT NOT NULL,
            payload {dialect.BlobType} NOT NULL,
            state TEXT NOT NULL,
            attempts INTEGER NOT NULL,
            next_attempt_at BIGINT NOT NULL,
            lease_until BIGINT NULL,
            leased_by TEXT NULL,
            call_sid TEXT NULL,
            last_status TEXT NULL,
            created_at BIGINT NOT NULL,
            updated_at BIGINT NOT NULL
        );
        CREATE INDEX ix_outbound_queue_due ON outbound_queue (state, next_attempt_at);
        CREATE TABLE do_not_call (
            number_hash TEXT PRIMARY KEY,
            added_at BIGINT NOT NULL
        );
        """;
}
