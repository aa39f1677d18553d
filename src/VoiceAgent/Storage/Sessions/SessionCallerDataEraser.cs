namespace VoiceAgent.Storage.Sessions;

/// <summary>The session store's part of erasing a caller: the caller index and every live or ended call state under it.</summary>
internal sealed class SessionCallerDataEraser(ISessionStore store, CallerKeys callerKeys) : ICallerDataEraser
{
    public string Name => "sessions";

    public async Task<int> EraseCallerAsync(string callerId, CancellationToken cancellationToken) =>
        callerKeys.For(callerId) is { } key ? await store.DeleteCallerAsync(key, cancellationToken) : 0;
}
