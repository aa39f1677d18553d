namespace VoiceAgent.Conversation;

/// <summary>How a turn ended and exactly what was sent to the carrier for it.</summary>
internal sealed record TurnResult(TurnOutcome Outcome, string SpokenText)
{
    /// <summary>Call-control actions the model took this turn, as short descriptions for history.</summary>
    public IReadOnlyList<string> Actions { get; init; } = [];
}
