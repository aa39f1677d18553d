namespace VoiceAgent.Conversation.History;

/// <summary>What happens to the conversation the model sees as a call grows longer than the window.</summary>
public enum HistoryPolicy
{
    /// <summary>Keep the last <see cref="HistoryPolicyOptions.WindowTurns"/> turns; older ones are dropped.</summary>
    Rolling,
    /// <summary>Older turns are summarised by the model off the hot path and the summary replaces them.</summary>
    Summarize,
    /// <summary>Keep every turn; at <see cref="HistoryPolicyOptions.HardCapTurns"/> caller turns the call is handed to a person.</summary>
    Handoff,
}

/// <summary>History policy, window, hard cap and the per-request token budget.</summary>
public sealed record HistoryPolicyOptions
{
    public HistoryPolicy Policy { get; init; } = HistoryPolicy.Rolling;
    /// <summary>Turns (caller and agent entries) kept verbatim; the source's 8 = 4 caller + 4 agent.</summary>
    public int WindowTurns { get; init; } = 8;
    /// <summary><see cref="HistoryPolicy.Handoff"/>: caller turns after which the call goes to a person.</summary>
    public int HardCapTurns { get; init; } = 40;
    /// <summary>Estimated input tokens a request may carry; above it the oldest turns are folded (summarised or dropped) before sending.</summary>
    public int TokenBudget { get; init; } = 6000;
    public string HardCapLine { get; init; } = "We've covered a lot, so let me pass you to a colleague who can pick this up with you.";

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (WindowTurns is < 2 or > 400) errors.Add($"HISTORY_TURNS must be 2..400 (got {WindowTurns}); the source's 8 is 4 caller and 4 agent turns.");
        if (HardCapTurns is < 1 or > 10000) errors.Add($"HISTORY_HARD_CAP_TURNS must be 1..10000 (got {HardCapTurns}).");
        if (TokenBudget is < 500 or > 2_000_000) errors.Add($"HISTORY_TOKEN_BUDGET must be 500..2000000 (got {TokenBudget}).");
        return errors;
    }
}
