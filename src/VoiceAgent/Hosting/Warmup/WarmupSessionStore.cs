using System.Text.Json;
using VoiceAgent.Buffers;
using VoiceAgent.Storage.Sessions;

namespace VoiceAgent.Hosting.Warmup;

/// <summary>
/// The warm-up call's session store: a private in-process store that is dropped with the warm-up, so the call's
/// session side (the start lookup, a snapshot after every event, the background writer, the caller key) runs as on a
/// real call and writes nothing anyone can read. Every snapshot goes through the same JSON encoding the Redis store
/// writes and reads back, so that code is compiled too; no Redis key is written.
/// </summary>
internal sealed class WarmupSessionStore(InMemorySessionStore inner, SessionStoreOptions options) : ISessionStore
{
    private int _saved;

    /// <summary>Snapshots the warm-up call handed to this store.</summary>
    public int Saved => Volatile.Read(ref _saved);

    public Task SaveAsync(SessionSnapshot snapshot, CancellationToken cancellationToken)
    {
        using var json = new PooledByteBufferWriter(4096);
        using (var writer = new Utf8JsonWriter(json))
            JsonSerializer.Serialize(writer, snapshot.CappedTo(options.MaxTurns), SessionJsonContext.Default.SessionSnapshot);
        var read = JsonSerializer.Deserialize(json.WrittenSpan, SessionJsonContext.Default.SessionSnapshot)
            ?? throw new InvalidOperationException("the warm-up snapshot did not read back");
        Interlocked.Increment(ref _saved);
        return inner.SaveAsync(read, cancellationToken);
    }

    public Task<SessionSnapshot?> LoadAsync(string callSid, CancellationToken cancellationToken) => inner.LoadAsync(callSid, cancellationToken);

    public Task<TimeSpan?> TimeToLiveAsync(string callSid, CancellationToken cancellationToken) => inner.TimeToLiveAsync(callSid, cancellationToken);

    public Task<IReadOnlyList<SessionSnapshot>> ListActiveAsync(CancellationToken cancellationToken) => inner.ListActiveAsync(cancellationToken);

    public Task<SessionSnapshot?> FindRecentByCallerAsync(string callerKey, TimeSpan window, CancellationToken cancellationToken)
        => inner.FindRecentByCallerAsync(callerKey, window, cancellationToken);

    public Task<int> DeleteCallerAsync(string callerKey, CancellationToken cancellationToken) => inner.DeleteCallerAsync(callerKey, cancellationToken);

    public Task PingAsync(CancellationToken cancellationToken) => inner.PingAsync(cancellationToken);
}
