namespace VoiceAgent.Providers.Resilience;

/// <summary>Why a second model request was raced (the <c>trigger</c> tag of <c>voiceagent.model.raced_requests</c>).</summary>
public enum ModelRaceTrigger
{
    /// <summary>The first request sent no first token within the first-token timeout.</summary>
    FirstTokenTimeout,
    /// <summary>The first request failed before its first token (429, 529, 5xx, connection refused, ...).</summary>
    FirstRequestFailed,
}
