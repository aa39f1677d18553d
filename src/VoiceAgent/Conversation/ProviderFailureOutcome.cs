namespace VoiceAgent.Conversation;

/// <summary>Maps a model failure to the turn outcome that tags the timeline and metrics.</summary>
internal static class ProviderFailureOutcome
{
    public static TurnOutcome From(Exception exception) => exception switch
    {
        TimeoutException => TurnOutcome.FirstTokenTimeout,
        _ => TurnOutcome.ProviderFailed,
    };
}
