namespace VoiceAgent.Conversation.Tools;

/// <summary>
/// A tool call that hands the next caller input to the engine rather than to the model: the turn ends, the engine
/// runs the exchange (keypad entry, a menu) and then gives the model the outcome as caller-side input.
/// </summary>
internal abstract record InteractionRequest : AgentAction
{
    /// <summary>What the model is told was done, for history.</summary>
    public abstract string Description { get; }
}

/// <summary>Collect card details on the keypad (recording paused) and pass them to the payment handler.</summary>
internal sealed record CollectPayment(string Purpose, decimal? Amount, string? Currency) : InteractionRequest
{
    public override string Description => $"started secure card entry on the keypad for {Purpose}";
}

/// <summary>Ask a question whose answers are keypad digits (speech answers still reach the model).</summary>
internal sealed record AskChoice(string Question, IReadOnlyList<ChoiceOption> Options) : InteractionRequest
{
    public override string Description => $"asked \"{Question}\" with keypad choices {string.Join(", ", Options.Select(o => $"{o.Digit}={o.Answer}"))}";

    /// <summary>What the caller hears: the question, then each digit and its answer.</summary>
    public string Spoken(string pressWord) => Question.TrimEnd() + " " + string.Join(" ", Options.Select(o => $"{pressWord} {o.Digit} for {o.Answer}."));
}

/// <summary>One answer of a keypad choice.</summary>
internal sealed record ChoiceOption(string Digit, string Answer);

/// <summary>The caller asked the agent to speak slower/faster or to keep replies shorter (or back to normal).</summary>
internal sealed record SetPacing(SpeechPace? Pace, ReplyLength? Length) : AgentAction;

/// <summary>Voice speed relative to the configured one.</summary>
public enum SpeechPace
{
    Slower,
    Normal,
    Faster,
}

/// <summary>How long the agent's replies should be.</summary>
public enum ReplyLength
{
    Shorter,
    Normal,
}
