namespace VoiceAgent.Conversation;

/// <summary>What decided that the caller should be handed to a person. Travels in the hand-off data as <c>trigger</c>.</summary>
public enum EscalationTrigger
{
    /// <summary>The model called <c>escalate_to_human</c>.</summary>
    Model,
    /// <summary>The model called <c>cannot_answer</c> (its structured "I cannot answer this" signal).</summary>
    CannotAnswer,
    /// <summary>The caller asked for a person (intent classifier on the caller's words).</summary>
    CallerRequest,
    /// <summary>The caller asked the same question again and again without resolution.</summary>
    Loop,
    /// <summary>The caller's words were strongly negative across recent turns.</summary>
    Sentiment,
    /// <summary>The caller pressed the operator key.</summary>
    OperatorKey,
}

/// <summary>The wire name of each trigger in the hand-off data.</summary>
internal static class EscalationTriggerNames
{
    public static string Of(EscalationTrigger trigger) => trigger switch
    {
        EscalationTrigger.Model => "model",
        EscalationTrigger.CannotAnswer => "cannot-answer",
        EscalationTrigger.CallerRequest => "caller-request",
        EscalationTrigger.Loop => "loop",
        EscalationTrigger.Sentiment => "sentiment",
        EscalationTrigger.OperatorKey => "operator-key",
        _ => "other",
    };
}
