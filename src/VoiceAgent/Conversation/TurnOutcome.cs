namespace VoiceAgent.Conversation;

/// <summary>How one turn of the agent ended. Tags the timeline, logs and metrics.</summary>
public enum TurnOutcome
{
    /// <summary>The model finished and every token was sent.</summary>
    Completed,
    /// <summary>The caller barged in (or a newer utterance superseded the reply).</summary>
    Interrupted,
    /// <summary>The model produced no first token in time; a spoken fallback went out.</summary>
    FirstTokenTimeout,
    /// <summary>The model stream stopped producing mid-reply; a spoken fallback went out.</summary>
    Stalled,
    /// <summary>The provider failed (HTTP error, mid-stream error, dropped stream); a spoken fallback went out.</summary>
    ProviderFailed,
    /// <summary>The call ended while the turn was running.</summary>
    CallEnded,
}
