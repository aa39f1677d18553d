using System.Globalization;

namespace VoiceAgent.Conversation;

/// <summary>
/// Which signals hand a caller to a person (each through the same warm transfer). Control comes from the model's
/// tool calls and from cheap scorers on the caller's own words, never from the model's prose.
/// </summary>
public sealed record EscalationOptions
{
    /// <summary>Offer the model <c>cannot_answer</c>; calling it hands the caller to a person (<c>ESCALATE_ON_CANNOT_ANSWER</c>).</summary>
    public bool OnCannotAnswer { get; init; } = true;

    /// <summary>A caller who asks for a person is handed over without a model round trip (<c>ESCALATE_ON_REQUEST</c>).</summary>
    public bool OnCallerRequest { get; init; } = true;

    /// <summary>Hand over when the caller repeats the same question (<c>ESCALATE_ON_LOOP</c>).</summary>
    public bool OnLoop { get; init; } = true;

    /// <summary>How many times the same question (the newest included) means a loop (<c>LOOP_REPEAT_COUNT</c>).</summary>
    public int LoopRepeatCount { get; init; } = 3;

    /// <summary>Content-word overlap (0..1) at which two caller utterances count as the same question (<c>LOOP_SIMILARITY</c>).</summary>
    public double LoopSimilarity { get; init; } = 0.7;

    /// <summary>How many recent caller turns the loop detector looks back over (<c>LOOP_WINDOW_TURNS</c>).</summary>
    public int LoopWindowTurns { get; init; } = 6;

    /// <summary>Hand over when the caller's words are strongly negative across turns (<c>ESCALATE_ON_SENTIMENT</c>).</summary>
    public bool OnSentiment { get; init; } = true;

    /// <summary>Caller turns the sentiment score is summed over (<c>SENTIMENT_WINDOW_TURNS</c>).</summary>
    public int SentimentWindowTurns { get; init; } = 3;

    /// <summary>Summed lexicon score at or below which the caller is handed over, e.g. -6 (<c>SENTIMENT_THRESHOLD</c>).</summary>
    public int SentimentThreshold { get; init; } = -6;

    /// <summary>Negative caller turns needed within the window besides the summed score (one angry outburst is not enough).</summary>
    public int SentimentMinNegativeTurns { get; init; } = 2;

    /// <summary>Every problem, each with its fix; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (LoopRepeatCount is < 2 or > 20) errors.Add($"LOOP_REPEAT_COUNT must be 2..20, e.g. 3 (got {LoopRepeatCount}).");
        if (LoopSimilarity is <= 0 or > 1 || double.IsNaN(LoopSimilarity))
            errors.Add($"LOOP_SIMILARITY must be above 0 and at most 1, e.g. 0.7 (got {LoopSimilarity.ToString(CultureInfo.InvariantCulture)}).");
        if (LoopWindowTurns < LoopRepeatCount || LoopWindowTurns > 50) errors.Add($"LOOP_WINDOW_TURNS must be LOOP_REPEAT_COUNT..50, e.g. 6 (got {LoopWindowTurns}).");
        if (SentimentWindowTurns is < 1 or > 20) errors.Add($"SENTIMENT_WINDOW_TURNS must be 1..20, e.g. 3 (got {SentimentWindowTurns}).");
        if (SentimentThreshold >= 0) errors.Add($"SENTIMENT_THRESHOLD must be negative, e.g. -6 (got {SentimentThreshold}).");
        if (SentimentMinNegativeTurns < 1 || SentimentMinNegativeTurns > SentimentWindowTurns)
            errors.Add($"SENTIMENT_MIN_NEGATIVE_TURNS must be 1..SENTIMENT_WINDOW_TURNS (got {SentimentMinNegativeTurns}).");
        return errors;
    }
}
