using System.Text.Json;
using StackExchange.Redis;
using VoiceAgent.Buffers;

namespace VoiceAgent.Storage.Sessions;

/// <summary>
/// Session state in Redis, shared by every instance. Keys (prefix <c>voiceagent:</c>):
/// <c>session:{CallSid}</c> the snapshot as JSON with a TTL reset on every write; <c>sessions:active</c> a sorted
/// set of live CallSids scored by expiry (for the admin listing); <c>caller:{key}</c> a sorted set of the caller's
/// CallSids scored by last update, with its own TTL. The caller key is a keyed HMAC of the number, never the number.
/// </summary>
internal sealed class RedisSessionStore(IConnectionMultiplexer redis, SessionStoreOptions options, TimeProvider clock) : ISessionStore
{
    private const string Prefix = "voiceagent:";
    private static readonly RedisKey ActiveKey = Prefix + "sessions:active";

    private IDatabase Db => redis.GetDatabase();

    public Task SaveAsync(SessionSnapshot snapshot, CancellationToken cancellationToken) => Run(async () =>
    {
        // Serialized into a pooled buffer (a snapshot is written after every turn); it goes back once Redis answered.
        var json = new PooledByteBufferWriter(4096);
        using (var writer = new Utf8JsonWriter(json))
            JsonSerializer.Serialize(writer, snapshot.CappedTo(options.MaxTurns), SessionJsonContext.Default.SessionSnapshot);
        var now = clock.GetUtcNow();
        var batch = Db.CreateTransaction();
        var writes = new List<Task>
        {
            batch.StringSetAsync(SessionKey(snapshot.CallSid), json.WrittenMemory, options.Ttl),
            snapshot.Status == SessionStatus.Active
                ? batch.SortedSetAddAsync(ActiveKey, snapshot.CallSid, (now + options.Ttl).ToUnixTimeMilliseconds())
                : batch.SortedSetRemoveAsync(ActiveKey, snapshot.CallSid),
        };
        if (snapshot.CallerKey is { } key)
        {
            writes.Add(batch.SortedSetAddAsync(CallerKey(key), snapshot.CallSid, snapshot.UpdatedAt.ToUnixTimeMilliseconds()));
            writes.Add(batch.KeyExpireAsync(CallerKey(key), options.CallerIndexTtl));
        }
        await batch.ExecuteAsync();
        await Task.WhenAll(writes);
        json.Dispose(); // only on success: a failed write may still be queued in the multiplexer, holding the bytes
        return true;
    });

    public Task<SessionSnapshot?> LoadAsync(string callSid, CancellationToken cancellationToken) => Run(async () =>
    {
        var value = await Db.StringGetAsync(SessionKey(callSid));
        return value.IsNull ? null : JsonSerializer.Deserialize((byte[])value!, SessionJsonContext.Default.SessionSnapshot);
    });

    public Task<TimeSpan?> TimeToLiveAsync(string callSid, CancellationToken cancellationToken)
        => Run(() => Db.KeyTimeToLiveAsync(SessionKey(callSid)));

    public Task<IReadOnlyList<SessionSnapshot>> ListActiveAsync(CancellationToken cancellationToken) => Run(async () =>
    {
        var db = Db;
        await db.SortedSetRemoveRangeByScoreAsync(ActiveKey, double.NegativeInfinity, clock.GetUtcNow().ToUnixTimeMilliseconds());
        var sids = await db.SortedSetRangeByRankAsync(ActiveKey);
        if (sids.Length == 0) return (IReadOnlyList<SessionSnapshot>)[];
        var values = await db.StringGetAsync(sids.Select(s => SessionKey(s!)).ToArray());
        IReadOnlyList<SessionSnapshot> active = values.Where(v => !v.IsNull)
            .Select(v => JsonSerializer.Deserialize((byte[])v!, SessionJsonContext.Default.SessionSnapshot)!)
            .Where(s => s.Status == SessionStatus.Active).OrderBy(s => s.StartedAt).ToArray();
        return active;
    });

    public Task<SessionSnapshot?> FindRecentByCallerAsync(string callerKey, TimeSpan window, CancellationToken cancellationToken) => Run(async () =>
    {
        var since = (clock.GetUtcNow() - window).ToUnixTimeMilliseconds();
        var recent = await Db.SortedSetRangeByScoreAsync(CallerKey(callerKey), since, double.PositiveInfinity, order: Order.Descending);
        foreach (var sid in recent)
        {
            var value = await Db.StringGetAsync(SessionKey(sid!));
            if (!value.IsNull) return JsonSerializer.Deserialize((byte[])value!, SessionJsonContext.Default.SessionSnapshot);
        }
        return null;
    });

    public Task<int> DeleteCallerAsync(string callerKey, CancellationToken cancellationToken) => Run(async () =>
    {
        var db = Db;
        var sids = await db.SortedSetRangeByRankAsync(CallerKey(callerKey));
        var sessions = sids.Select(s => SessionKey(s!)).ToArray();
        var deleted = sessions.Length > 0 ? (int)await db.KeyDeleteAsync(sessions) : 0;
        await db.KeyDeleteAsync(CallerKey(callerKey));
        if (sids.Length > 0) await db.SortedSetRemoveAsync(ActiveKey, sids);
        return deleted;
    });

    public Task PingAsync(CancellationToken cancellationToken) => Run(async () => await Db.PingAsync());

    private static RedisKey SessionKey(string callSid) => Prefix + "session:" + callSid;
    private static RedisKey CallerKey(string callerKey) => Prefix + "caller:" + callerKey;

    private static async Task<T> Run<T>(Func<Task<T>> operation)
    {
        try
        {
            return await operation();
        }
        catch (Exception ex) when (ex is RedisConnectionException or RedisTimeoutException or RedisServerException or ObjectDisposedException)
        {
            throw new SessionStoreUnavailableException("Redis is unreachable: " + ex.Message, ex);
        }
    }
}
