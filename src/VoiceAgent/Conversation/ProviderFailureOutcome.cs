using VoiceAgent.Providers.Resilience;

namespace VoiceAgent.Conversation;

/// <summary>Maps a model failure to the turn outcome that tags the timeline and metrics.</summary>
internal static class ProviderFailureOutcome
{
    public static TurnOutcome From(Exception exception) => ProviderFailure.Classify(exception).Kind switch
    {
        ProviderFailureKind.Timeout => TurnOutcome.FirstTokenTimeout,
        ProviderFailureKind.Stalled => TurnOutcome.Stalled,
        _ => TurnOutcome.ProviderFailed,
    };
}
