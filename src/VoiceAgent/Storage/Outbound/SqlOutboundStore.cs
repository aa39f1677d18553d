using System.Data.Common;
using System.Globalization;
using VoiceAgent.Storage.Records;
using static VoiceAgent.Storage.Records.SqlCommands;

namespace VoiceAgent.Storage.Outbound;

/// <summary>
/// Outbound calls, their status history, the campaign queue and the do-not-call list, in the records database (SQLite
/// or PostgreSQL). A queue entry is claimed by one atomic statement: on SQLite an <c>UPDATE … WHERE state='queued' …
/// RETURNING</c> (SQLite runs one writer at a time); on PostgreSQL the same statement under a transaction-scoped advisory
/// lock with the row picked <c>FOR UPDATE SKIP LOCKED</c>, so the concurrency limit holds across instances too.
/// </summary>
internal sealed class SqlOutboundStore(RecordsDialect dialect)
{
    private const string CallColumns = "id, call_sid, queue_id, to_hash, transport, key_id, payload, status, last_sequence, answered_by, voicemail_left, created_at, updated_at";
    private const string QueueColumns = "id, to_hash, transport, time_zone, key_id, payload, state, attempts, next_attempt_at, call_sid, last_status";
    private static readonly string[] Terminal = ["completed", "busy", "no-answer", "failed", "canceled"];
    private bool IsPostgres => dialect.Kind == "postgresql";

    public static bool IsTerminal(string status) => Terminal.Contains(status);

    public Task InsertCallAsync(OutboundCallRow row, CancellationToken ct) => dialect.ExecuteAsync($"""
        INSERT INTO outbound_calls ({CallColumns}) VALUES (@id, @sid, @queue, @to, @transport, @key, @payload, @status, @seq, NULL, 0, @at, @at)
        """, ct, ("id", row.Id), ("sid", row.CallSid), ("queue", row.QueueId), ("to", row.ToHash), ("transport", row.Transport), ("key", row.KeyId),
        ("payload", row.Payload), ("status", row.Status), ("seq", row.LastSequence), ("at", row.CreatedAt.ToUnixTimeMilliseconds()));

    public Task SetCallSidAsync(string id, string callSid, CancellationToken ct)
        => dialect.ExecuteAsync("UPDATE outbound_calls SET call_sid = @sid WHERE id = @id AND call_sid IS NULL", ct, ("sid", callSid), ("id", id));

    public async Task<OutboundCallRow?> GetCallAsync(string id, CancellationToken ct)
        => (await dialect.QueryAsync($"SELECT {CallColumns} FROM outbound_calls WHERE id = @id", ReadCall, ct, ("id", id))) is [var row, ..] ? row : null;

    public async Task<OutboundCallRow?> GetCallBySidAsync(string callSid, CancellationToken ct)
        => (await dialect.QueryAsync($"SELECT {CallColumns} FROM outbound_calls WHERE call_sid = @sid", ReadCall, ct, ("sid", callSid))) is [var row, ..] ? row : null;

    /// <summary>
    /// Moves the call to <paramref name="status"/> unless a later callback already arrived (callbacks can come out of
    /// order) or the call already ended. True when applied.
    /// </summary>
    public async Task<bool> ApplyStatusAsync(string id, string status, int sequence, DateTimeOffset at, CancellationToken ct)
        => await dialect.ExecuteAsync($"""
            UPDATE outbound_calls SET status = @status, last_sequence = @seq, updated_at = @at
            WHERE id = @id AND last_sequence < @seq AND status NOT IN ('completed', 'busy', 'no-answer', 'failed', 'canceled')
            """, ct, ("status", status), ("seq", sequence), ("at", at.ToUnixTimeMilliseconds()), ("id", id)) == 1;

    public Task SetAnsweredByAsync(string id, string answeredBy, DateTimeOffset at, CancellationToken ct)
        => dialect.ExecuteAsync("UPDATE outbound_calls SET answered_by = @by, updated_at = @at WHERE id = @id", ct, ("by", answeredBy), ("at", at.ToUnixTimeMilliseconds()), ("id", id));

    /// <summary>Claims the one voicemail of a call: true for the first caller only, on any instance.</summary>
    public async Task<bool> ClaimVoicemailAsync(string id, DateTimeOffset at, CancellationToken ct)
        => await dialect.ExecuteAsync("UPDATE outbound_calls SET voicemail_left = 1, updated_at = @at WHERE id = @id AND voicemail_left = 0", ct,
            ("at", at.ToUnixTimeMilliseconds()), ("id", id)) == 1;

    public Task AddEventAsync(CallStatusEvent e, CancellationToken ct) => dialect.ExecuteAsync("""
        INSERT INTO call_status_events (outbound_id, call_sid, kind, value, sequence_number, at) VALUES (@id, @sid, @kind, @value, @seq, @at)
        """, ct, ("id", e.OutboundId), ("sid", e.CallSid), ("kind", e.Kind), ("value", e.Value), ("seq", e.SequenceNumber), ("at", e.At.ToUnixTimeMilliseconds()));

    public Task<IReadOnlyList<CallStatusEvent>> ListEventsAsync(string id, CancellationToken ct)
        => dialect.QueryAsync("SELECT outbound_id, call_sid, kind, value, sequence_number, at FROM call_status_events WHERE outbound_id = @id ORDER BY id", r => new CallStatusEvent(
            r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1), r.GetString(2), r.GetString(3), r.IsDBNull(4) ? null : Convert.ToInt32(r.GetValue(4), CultureInfo.InvariantCulture),
            DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(r.GetValue(5), CultureInfo.InvariantCulture))), ct, ("id", id));

    public Task AddDoNotCallAsync(string numberHash, DateTimeOffset at, CancellationToken ct)
        => dialect.ExecuteAsync("INSERT INTO do_not_call (number_hash, added_at) VALUES (@h, @at) ON CONFLICT (number_hash) DO NOTHING", ct, ("h", numberHash), ("at", at.ToUnixTimeMilliseconds()));

    public async Task<bool> RemoveDoNotCallAsync(string numberHash, CancellationToken ct)
        => await dialect.ExecuteAsync("DELETE FROM do_not_call WHERE number_hash = @h", ct, ("h", numberHash)) == 1;

    public async Task<bool> IsDoNotCallAsync(string numberHash, CancellationToken ct)
        => (await dialect.QueryAsync("SELECT 1 FROM do_not_call WHERE number_hash = @h", r => 1, ct, ("h", numberHash))).Count > 0;

    public async Task<long> EnqueueAsync(string toHash, string transport, string timeZone, string keyId, byte[] payload, DateTimeOffset at, CancellationToken ct)
    {
        var rows = await dialect.QueryAsync("""
            INSERT INTO outbound_queue (to_hash, transport, time_zone, key_id, payload, state, attempts, next_attempt_at, created_at, updated_at)
            VALUES (@to, @transport, @tz, @key, @payload, 'queued', 0, @at, @at, @at) RETURNING id
            """, r => Convert.ToInt64(r.GetValue(0), CultureInfo.InvariantCulture), ct,
            ("to", toHash), ("transport", transport), ("tz", timeZone), ("key", keyId), ("payload", payload), ("at", at.ToUnixTimeMilliseconds()));
        return rows[0];
    }

    /// <summary>
    /// Claims the next due entry for <paramref name="instance"/> if fewer than <paramref name="limit"/> entries are being
    /// dialled or in a call (across every instance). A dialling claim whose lease ran out (its instance died before the
    /// call was placed) is due again. Null when nothing is due or the limit is reached.
    /// </summary>
    public async Task<QueueEntry?> ClaimAsync(DateTimeOffset now, DateTimeOffset leaseUntil, string instance, int limit, CancellationToken ct)
    {
        var n = now.ToUnixTimeMilliseconds();
        var sql = $"""
            UPDATE outbound_queue SET state = 'dialing', lease_until = @lease, leased_by = @me, updated_at = @now
            WHERE id = (
                SELECT id FROM outbound_queue
                WHERE ((state = 'queued' AND next_attempt_at <= @now) OR (state = 'dialing' AND lease_until < @now))
                  AND (SELECT COUNT(*) FROM outbound_queue WHERE state = 'calling' OR (state = 'dialing' AND lease_until >= @now)) < @limit
                ORDER BY next_attempt_at, id LIMIT 1{(IsPostgres ? " FOR UPDATE SKIP LOCKED" : "")})
              AND (state = 'queued' OR (state = 'dialing' AND lease_until < @now))
            RETURNING {QueueColumns}
            """;
        await using var connection = await dialect.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        if (IsPostgres)
            await using (var take = Command(connection, transaction, "SELECT pg_advisory_xact_lock(74310002)")) await take.ExecuteScalarAsync(ct);
        QueueEntry? claimed = null;
        await using (var command = Command(connection, transaction, sql, ("lease", leaseUntil.ToUnixTimeMilliseconds()), ("me", instance), ("now", n), ("limit", limit)))
        await using (var reader = await command.ExecuteReaderAsync(ct))
            if (await reader.ReadAsync(ct)) claimed = ReadEntry(reader);
        await transaction.CommitAsync(ct);
        return claimed;
    }

    /// <summary>Puts a claimed entry back, due at <paramref name="dueAt"/> (outside calling hours, or a retry), attempts unchanged.</summary>
    public Task RequeueAsync(long id, DateTimeOffset dueAt, string? lastStatus, DateTimeOffset now, CancellationToken ct)
        => dialect.ExecuteAsync("""
            UPDATE outbound_queue SET state = 'queued', next_attempt_at = @due, lease_until = NULL, leased_by = NULL, last_status = COALESCE(@last, last_status), updated_at = @now
            WHERE id = @id
            """, ct, ("due", dueAt.ToUnixTimeMilliseconds()), ("last", lastStatus), ("now", now.ToUnixTimeMilliseconds()), ("id", id));

    /// <summary>Counts a dial attempt of a claimed entry (before the call is created, so a fast final callback sees it).</summary>
    public Task CountAttemptAsync(long id, CancellationToken ct)
        => dialect.ExecuteAsync("UPDATE outbound_queue SET attempts = attempts + 1 WHERE id = @id", ct, ("id", id));

    /// <summary>The entry's call was placed: waits for its final status (unless that already arrived and settled the entry).</summary>
    public Task MarkCallingAsync(long id, string callSid, DateTimeOffset now, CancellationToken ct)
        => dialect.ExecuteAsync("UPDATE outbound_queue SET state = 'calling', call_sid = @sid, lease_until = NULL, updated_at = @now WHERE id = @id AND state = 'dialing'", ct,
            ("sid", callSid), ("now", now.ToUnixTimeMilliseconds()), ("id", id));

    public Task FinishAsync(long id, string state, string? lastStatus, DateTimeOffset now, CancellationToken ct)
        => dialect.ExecuteAsync("UPDATE outbound_queue SET state = @state, last_status = COALESCE(@last, last_status), lease_until = NULL, updated_at = @now WHERE id = @id", ct,
            ("state", state), ("last", lastStatus), ("now", now.ToUnixTimeMilliseconds()), ("id", id));

    public async Task<QueueEntry?> GetEntryAsync(long id, CancellationToken ct)
        => (await dialect.QueryAsync($"SELECT {QueueColumns} FROM outbound_queue WHERE id = @id", ReadEntry, ct, ("id", id))) is [var e, ..] ? e : null;

    public Task<IReadOnlyList<QueueEntry>> ListEntriesAsync(CancellationToken ct)
        => dialect.QueryAsync($"SELECT {QueueColumns} FROM outbound_queue ORDER BY id", ReadEntry, ct);

    private static OutboundCallRow ReadCall(DbDataReader r) => new(
        r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1), r.IsDBNull(2) ? null : Convert.ToInt64(r.GetValue(2), CultureInfo.InvariantCulture),
        r.GetString(3), r.GetString(4), r.GetString(5), (byte[])r.GetValue(6), r.GetString(7), Convert.ToInt32(r.GetValue(8), CultureInfo.InvariantCulture),
        r.IsDBNull(9) ? null : r.GetString(9), Convert.ToInt32(r.GetValue(10), CultureInfo.InvariantCulture) != 0,
        Ms(r.GetValue(11)), Ms(r.GetValue(12)));

    private static QueueEntry ReadEntry(DbDataReader r) => new(
        Convert.ToInt64(r.GetValue(0), CultureInfo.InvariantCulture), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), (byte[])r.GetValue(5),
        r.GetString(6), Convert.ToInt32(r.GetValue(7), CultureInfo.InvariantCulture), Ms(r.GetValue(8)),
        r.IsDBNull(9) ? null : r.GetString(9), r.IsDBNull(10) ? null : r.GetString(10));

    private static DateTimeOffset Ms(object value) => DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(value, CultureInfo.InvariantCulture));
}
