namespace VoiceAgent.Providers.Resilience;

/// <summary>How a raced model request ended (the <c>outcome</c> tag of <c>voiceagent.model.raced_requests</c>).</summary>
public enum ModelRaceOutcome
{
    /// <summary>The first request produced the first token after all; the second was cancelled.</summary>
    FirstWon,
    /// <summary>The second request produced the first token; the first was cancelled.</summary>
    SecondWon,
    /// <summary>Both requests failed before any token: the caller hears the spoken fallback.</summary>
    BothFailed,
    /// <summary>The caller's side cancelled the turn (barge-in, hang-up) while the race ran.</summary>
    Cancelled,
}
