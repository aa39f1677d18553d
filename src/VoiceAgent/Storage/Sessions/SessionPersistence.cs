using Microsoft.Extensions.Logging;
using VoiceAgent.Observability;

namespace VoiceAgent.Storage.Sessions;

/// <summary>
/// What a call needs from the session store: hand over a snapshot (queued, never awaited on a turn), and at the
/// start of a call, find the state to resume (the carrier came back for the same CallSid) or a recent call of the
/// same caller to offer to continue. A store that is down never stops a call: the lookup answers "nothing".
/// </summary>
internal sealed partial class SessionPersistence(
    ISessionStore store,
    SessionWriter writer,
    CallerKeys callerKeys,
    SessionStoreOptions options,
    string instance,
    ILogger<SessionPersistence> logger)
{
    public SessionStoreOptions Options => options;

    /// <summary>This process's name in snapshots (host and process id).</summary>
    public string Instance => instance;

    public ISessionStore Store => store;

    public string? CallerKeyFor(string? callerId) => callerKeys.For(callerId);

    /// <summary>Queues the call's state for the background writer; returns at once.</summary>
    public void Save(SessionSnapshot snapshot) => writer.Enqueue(snapshot);

    /// <summary>
    /// One look at the store for a starting call: its own resumable state first; only when there is none, the caller's
    /// earlier call within the call-back window.
    /// </summary>
    public async Task<SessionLookup> LookUpAsync(string callSid, string? callerId, CancellationToken cancellationToken)
    {
        if (await FindResumableAsync(callSid, cancellationToken) is { } resumable) return new SessionLookup(resumable, null);
        return await FindCallbackAsync(callerId, callSid, cancellationToken) is { } previous ? new SessionLookup(null, previous) : SessionLookup.None;
    }

    /// <summary>The live state of <paramref name="callSid"/> when the call was not ended normally; null otherwise.</summary>
    public async Task<SessionSnapshot?> FindResumableAsync(string callSid, CancellationToken cancellationToken)
    {
        try
        {
            var snapshot = await store.LoadAsync(callSid, cancellationToken);
            return snapshot is { Status: SessionStatus.Active } ? snapshot : null;
        }
        catch (SessionStoreUnavailableException ex)
        {
            LogLookupFailed(logger, ex.Message);
            return null;
        }
    }

    /// <summary>The caller's previous call within the call-back window (not <paramref name="callSid"/> itself); null when none or off.</summary>
    public async Task<SessionSnapshot?> FindCallbackAsync(string? callerId, string callSid, CancellationToken cancellationToken)
    {
        if (options.CallbackResumeWindow <= TimeSpan.Zero || CallerKeyFor(callerId) is not { } key) return null;
        try
        {
            var previous = await store.FindRecentByCallerAsync(key, options.CallbackResumeWindow, cancellationToken);
            return previous is not null && previous.CallSid != callSid && previous.Turns.Any(t => t.Role == SessionTurn.UserRole) ? previous : null;
        }
        catch (SessionStoreUnavailableException ex)
        {
            LogLookupFailed(logger, ex.Message);
            return null;
        }
    }

    [LoggerMessage(EventId = EventIds.SessionResumeLookupFailed, Level = LogLevel.Warning, Message = "Session store lookup failed; the call starts fresh ({Reason})")]
    private static partial void LogLookupFailed(ILogger logger, string reason);
}
