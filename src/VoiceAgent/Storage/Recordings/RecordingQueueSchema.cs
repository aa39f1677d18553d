using VoiceAgent.Storage.Records;

namespace VoiceAgent.Storage.Recordings;

/// <summary>
/// Migration 4: the recordings waiting to be fetched from the carrier, so a restart loses none. One row per recording
/// (the recording id is the key: queued once), claimed under a lease by one worker at a time, retried with back-off,
/// oldest first; a stored row keeps the caller hash so erasure finds the object.
/// </summary>
internal static class RecordingQueueSchema
{
    public static string Sql(RecordsDialect dialect) => $"""
        CREATE TABLE recording_fetches (
            id {dialect.IdentityColumn},
            recording_sid TEXT NOT NULL UNIQUE,
            call_sid TEXT NOT NULL,
            caller_hash TEXT NULL,
            state TEXT NOT NULL,
            attempts INTEGER NOT NULL,
            next_attempt_at BIGINT NOT NULL,
            lease_until BIGINT NULL,
            leased_by TEXT NULL,
            last_error TEXT NULL,
            created_at BIGINT NOT NULL,
            updated_at BIGINT NOT NULL
        );
        CREATE INDEX ix_recording_fetches_due ON recording_fetches (state, next_attempt_at);
        CREATE INDEX ix_recording_fetches_caller_hash ON recording_fetches (caller_hash);
        """;
}
