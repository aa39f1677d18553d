namespace VoiceAgent.Storage.Sessions;

/// <summary>
/// What the session store said about a call as it started, read once and handed along (the audio path reads it to
/// choose its first line, then gives the same answer to the engine): the call's own live state when the carrier came
/// back for the same CallSid, else the caller's earlier call within the call-back window, else nothing.
/// </summary>
internal sealed record SessionLookup(SessionSnapshot? Resumable, SessionSnapshot? Previous)
{
    /// <summary>Nothing to resume or offer (no session store, or nothing kept).</summary>
    public static readonly SessionLookup None = new(null, null);
}
