using System.Collections.Concurrent;

namespace VoiceAgent.Storage.Sessions;

/// <summary>
/// The default session store: this process's memory, with the same time-to-live and turn-cap rules as Redis
/// (expired entries are dropped when touched, and swept at most once a minute on a write so memory stays bounded by
/// the calls of the last TTL). State does not survive the process and is not shared.
/// </summary>
internal sealed class InMemorySessionStore(SessionStoreOptions options, TimeProvider clock) : ISessionStore
{
    private static readonly TimeSpan SweepEvery = TimeSpan.FromMinutes(1);
    private long _lastSweepTicks;
    private readonly ConcurrentDictionary<string, (SessionSnapshot Snapshot, DateTimeOffset ExpiresAt)> _calls = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (ConcurrentDictionary<string, DateTimeOffset> Calls, DateTimeOffset ExpiresAt)> _callers = new(StringComparer.Ordinal);

    public Task SaveAsync(SessionSnapshot snapshot, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        SweepIfDue(now);
        _calls[snapshot.CallSid] = (snapshot.CappedTo(options.MaxTurns), now + options.Ttl);
        if (snapshot.CallerKey is { } key)
        {
            var index = _callers.AddOrUpdate(key,
                // A caller has one or a few calls: the smallest table (one lock, two buckets) rather than the per-core default.
                static (_, expiresAt) => (new ConcurrentDictionary<string, DateTimeOffset>(concurrencyLevel: 1, capacity: 2, StringComparer.Ordinal), expiresAt),
                static (_, existing, expiresAt) => (existing.Calls, expiresAt),
                now + options.CallerIndexTtl);
            index.Calls[snapshot.CallSid] = snapshot.UpdatedAt;
        }
        return Task.CompletedTask;
    }

    public Task<SessionSnapshot?> LoadAsync(string callSid, CancellationToken cancellationToken) => Task.FromResult(Live(callSid)?.Snapshot);

    public Task<TimeSpan?> TimeToLiveAsync(string callSid, CancellationToken cancellationToken)
        => Task.FromResult(Live(callSid) is { } entry ? entry.ExpiresAt - clock.GetUtcNow() : (TimeSpan?)null);

    public Task<IReadOnlyList<SessionSnapshot>> ListActiveAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<SessionSnapshot> active = _calls.Keys.Select(Live).Where(e => e?.Snapshot.Status == SessionStatus.Active)
            .Select(e => e!.Value.Snapshot).OrderBy(s => s.StartedAt).ToArray();
        return Task.FromResult(active);
    }

    public Task<SessionSnapshot?> FindRecentByCallerAsync(string callerKey, TimeSpan window, CancellationToken cancellationToken)
    {
        if (!_callers.TryGetValue(callerKey, out var index) || index.ExpiresAt <= clock.GetUtcNow()) return Task.FromResult<SessionSnapshot?>(null);
        var since = clock.GetUtcNow() - window;
        var recent = index.Calls.Where(c => c.Value >= since).OrderByDescending(c => c.Value)
            .Select(c => Live(c.Key)?.Snapshot).FirstOrDefault(s => s is not null);
        return Task.FromResult(recent);
    }

    public Task<int> DeleteCallerAsync(string callerKey, CancellationToken cancellationToken)
    {
        var deleted = 0;
        if (_callers.TryRemove(callerKey, out var index))
            foreach (var callSid in index.Calls.Keys)
                if (_calls.TryRemove(callSid, out _)) deleted++;
        // Calls indexed under the caller whose index entry already expired: match on the key itself.
        foreach (var (callSid, entry) in _calls)
            if (entry.Snapshot.CallerKey == callerKey && _calls.TryRemove(callSid, out _)) deleted++;
        return Task.FromResult(deleted);
    }

    public Task PingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Number of call states held, expired ones included until swept.</summary>
    internal int Count => _calls.Count;

    private void SweepIfDue(DateTimeOffset now)
    {
        var last = Interlocked.Read(ref _lastSweepTicks);
        if (now.UtcTicks - last < SweepEvery.Ticks || Interlocked.CompareExchange(ref _lastSweepTicks, now.UtcTicks, last) != last) return;
        foreach (var (callSid, entry) in _calls)
            if (entry.ExpiresAt <= now) _calls.TryRemove(new KeyValuePair<string, (SessionSnapshot, DateTimeOffset)>(callSid, entry));
        foreach (var (key, index) in _callers)
            if (index.ExpiresAt <= now) _callers.TryRemove(new KeyValuePair<string, (ConcurrentDictionary<string, DateTimeOffset>, DateTimeOffset)>(key, index));
    }

    private (SessionSnapshot Snapshot, DateTimeOffset ExpiresAt)? Live(string callSid)
    {
        if (!_calls.TryGetValue(callSid, out var entry)) return null;
        if (entry.ExpiresAt > clock.GetUtcNow()) return entry;
        _calls.TryRemove(new KeyValuePair<string, (SessionSnapshot, DateTimeOffset)>(callSid, entry));
        return null;
    }
}
