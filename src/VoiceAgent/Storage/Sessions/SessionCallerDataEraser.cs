namespace VoiceAgent.Storage.Sessions;

/// <summary>The session store's part of erasing a caller: the caller index and every live or ended call state under it.</summary>
internal sealed class SessionCallerDataEraser(ISessionStore store, CallerKeys callerKeys) : ICallerDataEraser
{
    public async Task EraseCallerAsync(string callerId, CancellationToken cancellationToken)
    {
        if (callerKeys.For(callerId) is { } key) await store.DeleteCallerAsync(key, cancellationToken);
    }
}
