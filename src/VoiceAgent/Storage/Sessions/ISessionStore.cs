namespace VoiceAgent.Storage.Sessions;

/// <summary>
/// Where live call state lives between turns: in process (one instance) or Redis (<c>REDIS_URL</c>, any number of
/// instances). Every write sets the entry's time to live again (activity extends it) and keeps at most the configured
/// number of turns. Implementations throw <see cref="SessionStoreUnavailableException"/> when the backend is down.
/// </summary>
public interface ISessionStore
{
    /// <summary>Writes the call's state (capped), extends its time to live, and indexes it under its caller key.</summary>
    Task SaveAsync(SessionSnapshot snapshot, CancellationToken cancellationToken);

    /// <summary>The call's state, or null when none is kept (never written, expired or erased).</summary>
    Task<SessionSnapshot?> LoadAsync(string callSid, CancellationToken cancellationToken);

    /// <summary>How long the call's state is still kept; null when none is.</summary>
    Task<TimeSpan?> TimeToLiveAsync(string callSid, CancellationToken cancellationToken);

    /// <summary>Every call in <see cref="SessionStatus.Active"/> state, on any instance.</summary>
    Task<IReadOnlyList<SessionSnapshot>> ListActiveAsync(CancellationToken cancellationToken);

    /// <summary>The caller's most recent call updated within <paramref name="window"/>, or null.</summary>
    Task<SessionSnapshot?> FindRecentByCallerAsync(string callerKey, TimeSpan window, CancellationToken cancellationToken);

    /// <summary>Deletes the caller's index and every call state (live or ended) indexed under it.</summary>
    Task<int> DeleteCallerAsync(string callerKey, CancellationToken cancellationToken);

    /// <summary>Answers when the backend is reachable; throws <see cref="SessionStoreUnavailableException"/> otherwise.</summary>
    Task PingAsync(CancellationToken cancellationToken);
}

/// <summary>The session store's backend cannot be reached; the call goes on in process.</summary>
public sealed class SessionStoreUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
