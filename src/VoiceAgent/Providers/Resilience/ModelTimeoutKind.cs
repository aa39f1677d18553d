namespace VoiceAgent.Providers.Resilience;

/// <summary>Which watchdog deadline a model stream missed.</summary>
public enum ModelTimeoutKind
{
    /// <summary>No text or tool call arrived within the first-token timeout of the request.</summary>
    FirstToken,
    /// <summary>The stream had started but then went quiet for longer than the stall timeout.</summary>
    Stall,
}
