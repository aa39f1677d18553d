namespace VoiceAgent.Conversation;

/// <summary>How a turn ended and exactly what was sent to the carrier for it.</summary>
internal sealed record TurnResult(TurnOutcome Outcome, string SpokenText)
{
    /// <summary>Call-control actions the model took this turn, as short descriptions for history.</summary>
    public IReadOnlyList<string> Actions { get; init; } = [];

    /// <summary>
    /// The model stopped at its output cap (Anthropic <c>stop_reason</c> <c>max_tokens</c>, OpenAI <c>finish_reason</c>
    /// <c>length</c>): the reply ended cleanly but mid-thought, and history says so.
    /// </summary>
    public bool Truncated { get; init; }

    /// <summary>When the model handed the call off or hung up: the reason code and its reason.</summary>
    public (string Code, string Reason)? Handoff { get; init; }

    /// <summary>A structured exchange the model asked the engine to run next (keypad card entry, keypad choice).</summary>
    public Tools.InteractionRequest? Interaction { get; init; }
}
