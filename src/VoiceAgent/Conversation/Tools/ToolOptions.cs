namespace VoiceAgent.Conversation;

/// <summary>How tool calls run within one turn.</summary>
public sealed record ToolOptions
{
    /// <summary>
    /// Tool steps (model answers with tool calls, tools run, model continues) allowed per turn (<c>TOOL_MAX_STEPS</c>).
    /// After the last one the model is asked once more with tool use switched off, so it has to speak.
    /// </summary>
    public int MaxSteps { get; init; } = 3;

    /// <summary>An application tool still running after this long makes the agent say <see cref="FillerLine"/> (<c>TOOL_FILLER_AFTER_MS</c>).</summary>
    public TimeSpan FillerAfter { get; init; } = TimeSpan.FromMilliseconds(1200);

    /// <summary>Said once per turn while a slow tool runs (<c>TOOL_FILLER_LINE</c>).</summary>
    public string FillerLine { get; init; } = "One moment while I check that.";

    /// <summary>An application tool is cancelled after this long and the model is told it failed (<c>TOOL_TIMEOUT_MS</c>).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Every problem, each with its fix; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (MaxSteps is < 1 or > 10) errors.Add($"TOOL_MAX_STEPS must be 1..10, e.g. 3 (got {MaxSteps}).");
        if (FillerAfter <= TimeSpan.Zero) errors.Add($"TOOL_FILLER_AFTER_MS must be positive, e.g. 1200 (got {FillerAfter.TotalMilliseconds:0}).");
        if (string.IsNullOrWhiteSpace(FillerLine)) errors.Add("TOOL_FILLER_LINE is empty: the caller would hear silence while a slow tool runs.");
        if (Timeout <= FillerAfter) errors.Add($"TOOL_TIMEOUT_MS must be longer than TOOL_FILLER_AFTER_MS (got {Timeout.TotalMilliseconds:0} ms).");
        return errors;
    }
}
