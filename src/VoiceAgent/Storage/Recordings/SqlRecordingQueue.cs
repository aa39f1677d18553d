using System.Data.Common;
using System.Globalization;
using VoiceAgent.Storage.Records;

namespace VoiceAgent.Storage.Recordings;

/// <summary>
/// The durable queue of recordings to fetch (<c>recording_fetches</c>, migration 4) in the records database. A row
/// is claimed by one atomic <c>UPDATE … RETURNING</c> (on PostgreSQL the row is picked <c>FOR UPDATE SKIP LOCKED</c>),
/// the oldest due row first; a claim whose lease ran out (its instance died mid-fetch) is due again. Only the
/// claim's holder can settle it, so a recording is stored once even with several instances.
/// </summary>
internal sealed class SqlRecordingQueue(RecordsDialect dialect)
{
    public const string Queued = "queued";
    public const string Fetching = "fetching";
    public const string Stored = "stored";
    public const string Failed = "failed";
    private const string Columns = "recording_sid, call_sid, caller_hash, attempts";
    private bool IsPostgres => dialect.Kind == "postgresql";

    /// <summary>Queues a recording unless it is already known; true when this call queued it.</summary>
    public async Task<bool> EnqueueAsync(string recordingSid, string callSid, string? callerHash, DateTimeOffset now, CancellationToken ct)
        => await dialect.ExecuteAsync("""
            INSERT INTO recording_fetches (recording_sid, call_sid, caller_hash, state, attempts, next_attempt_at, created_at, updated_at)
            VALUES (@sid, @call, @caller, 'queued', 0, @now, @now, @now) ON CONFLICT (recording_sid) DO NOTHING
            """, ct, ("sid", recordingSid), ("call", callSid), ("caller", callerHash), ("now", now.ToUnixTimeMilliseconds())) == 1;

    /// <summary>Claims the oldest due recording for <paramref name="worker"/> until <paramref name="leaseUntil"/>; null when none is due.</summary>
    public async Task<QueuedRecording?> ClaimAsync(DateTimeOffset now, DateTimeOffset leaseUntil, string worker, CancellationToken ct)
    {
        var sql = $"""
            UPDATE recording_fetches SET state = 'fetching', lease_until = @lease, leased_by = @me, updated_at = @now
            WHERE id = (
                SELECT id FROM recording_fetches
                WHERE (state = 'queued' AND next_attempt_at <= @now) OR (state = 'fetching' AND lease_until < @now)
                ORDER BY created_at, id LIMIT 1{(IsPostgres ? " FOR UPDATE SKIP LOCKED" : "")})
              AND ((state = 'queued' AND next_attempt_at <= @now) OR (state = 'fetching' AND lease_until < @now))
            RETURNING {Columns}
            """;
        var rows = await dialect.QueryAsync(sql, Read, ct, ("lease", leaseUntil.ToUnixTimeMilliseconds()), ("me", worker), ("now", now.ToUnixTimeMilliseconds()));
        return rows is [var row, ..] ? row : null;
    }

    /// <summary>When the next queued recording is due (null: nothing queued).</summary>
    public async Task<DateTimeOffset?> NextDueAsync(CancellationToken ct)
    {
        var rows = await dialect.QueryAsync("SELECT MIN(next_attempt_at) FROM recording_fetches WHERE state = 'queued'",
            r => r.IsDBNull(0) ? (DateTimeOffset?)null : Ms(r.GetValue(0)), ct);
        return rows is [var due, ..] ? due : null;
    }

    /// <summary>Puts a claimed recording back, due at <paramref name="dueAt"/>, one attempt counted.</summary>
    public Task<int> RetryAsync(string recordingSid, string worker, DateTimeOffset dueAt, string reason, DateTimeOffset now, CancellationToken ct)
        => dialect.ExecuteAsync("""
            UPDATE recording_fetches SET state = 'queued', attempts = attempts + 1, next_attempt_at = @due, lease_until = NULL, leased_by = NULL,
                last_error = @reason, updated_at = @now
            WHERE recording_sid = @sid AND state = 'fetching' AND leased_by = @me
            """, ct, ("due", dueAt.ToUnixTimeMilliseconds()), ("reason", reason), ("now", now.ToUnixTimeMilliseconds()), ("sid", recordingSid), ("me", worker));

    /// <summary>Gives a claim back without counting an attempt (the worker is stopping).</summary>
    public Task<int> ReleaseAsync(string recordingSid, string worker, DateTimeOffset now, CancellationToken ct)
        => dialect.ExecuteAsync("""
            UPDATE recording_fetches SET state = 'queued', lease_until = NULL, leased_by = NULL, updated_at = @now
            WHERE recording_sid = @sid AND state = 'fetching' AND leased_by = @me
            """, ct, ("now", now.ToUnixTimeMilliseconds()), ("sid", recordingSid), ("me", worker));

    /// <summary>Settles a claimed recording as <c>stored</c> or <c>failed</c>; true when this worker still held it.</summary>
    public async Task<bool> FinishAsync(string recordingSid, string worker, string state, string? reason, DateTimeOffset now, CancellationToken ct)
        => await dialect.ExecuteAsync("""
            UPDATE recording_fetches SET state = @state, lease_until = NULL, leased_by = NULL, last_error = @reason, updated_at = @now
            WHERE recording_sid = @sid AND state = 'fetching' AND leased_by = @me
            """, ct, ("state", state), ("reason", reason), ("now", now.ToUnixTimeMilliseconds()), ("sid", recordingSid), ("me", worker)) == 1;

    /// <summary>Every recording of a caller, in any state: (recording id, state).</summary>
    public Task<IReadOnlyList<(string RecordingSid, string State)>> ListForCallerAsync(string callerHash, CancellationToken ct)
        => dialect.QueryAsync("SELECT recording_sid, state FROM recording_fetches WHERE caller_hash = @caller ORDER BY id",
            r => (r.GetString(0), r.GetString(1)), ct, ("caller", callerHash));

    public Task<int> DeleteAsync(string recordingSid, CancellationToken ct)
        => dialect.ExecuteAsync("DELETE FROM recording_fetches WHERE recording_sid = @sid", ct, ("sid", recordingSid));

    /// <summary>(state, attempts) of one recording, or null when unknown.</summary>
    public async Task<(string State, int Attempts)?> GetStateAsync(string recordingSid, CancellationToken ct)
        => (await dialect.QueryAsync("SELECT state, attempts FROM recording_fetches WHERE recording_sid = @sid",
            r => (r.GetString(0), Convert.ToInt32(r.GetValue(1), CultureInfo.InvariantCulture)), ct, ("sid", recordingSid))) is [var row, ..] ? row : null;

    private static QueuedRecording Read(DbDataReader r) => new(
        r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), Convert.ToInt32(r.GetValue(3), CultureInfo.InvariantCulture));

    private static DateTimeOffset Ms(object value) => DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(value, CultureInfo.InvariantCulture));
}

/// <summary>A claimed recording: which one, whose call, how many attempts so far.</summary>
internal sealed record QueuedRecording(string RecordingSid, string CallSid, string? CallerHash, int Attempts);
