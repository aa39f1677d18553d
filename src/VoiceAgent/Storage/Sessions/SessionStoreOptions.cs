namespace VoiceAgent.Storage.Sessions;

/// <summary>How long and how much live call state is kept, and how long a caller may ring back and continue.</summary>
public sealed record SessionStoreOptions
{
    /// <summary>Time to live of a call's state, extended on every write (<c>SESSION_TTL_SECONDS</c>).</summary>
    public TimeSpan Ttl { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Caller turns kept per call (<c>SESSION_MAX_TURNS</c>).</summary>
    public int MaxTurns { get; init; } = 20;

    /// <summary>A caller who rings back within this long is offered to continue (<c>CALLBACK_RESUME_WINDOW_SECONDS</c>; zero = off).</summary>
    public TimeSpan CallbackResumeWindow { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>How long the per-caller index is kept: long enough to find the state and to erase it.</summary>
    internal TimeSpan CallerIndexTtl => Ttl > CallbackResumeWindow ? Ttl : CallbackResumeWindow;
}
