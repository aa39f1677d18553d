namespace VoiceAgent.Conversation.Pacing;

/// <summary>
/// What happens when the caller says nothing after the agent finished speaking: <see cref="Reprompts"/> times the
/// <see cref="RepromptLine"/>, then the <see cref="GoodbyeLine"/> and the call ends. The wait starts when the
/// reply's last token went to the carrier and adds the time the reply takes to say (<see cref="SpeakingTimePerChar"/>),
/// because neither transport reports the end of playback to the engine as one event.
/// </summary>
public sealed record SilenceOptions
{
    /// <summary>Zero turns the silence watch off.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(8);
    public int Reprompts { get; init; } = 1;
    public string RepromptLine { get; init; } = "Are you still there?";
    public string GoodbyeLine { get; init; } = "I haven't heard anything, so I'll end the call now. Please call back any time. Goodbye.";
    /// <summary>Estimated speaking time per character of the agent's last line (about 14 characters a second).</summary>
    public TimeSpan SpeakingTimePerChar { get; init; } = TimeSpan.FromMilliseconds(70);

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Timeout < TimeSpan.Zero || Timeout > TimeSpan.FromMinutes(10)) errors.Add($"SILENCE_TIMEOUT_MS must be 0 (off)..600000 (got {Timeout.TotalMilliseconds:0}).");
        if (Reprompts is < 0 or > 5) errors.Add($"SILENCE_REPROMPTS must be 0..5 (got {Reprompts}).");
        if (string.IsNullOrWhiteSpace(RepromptLine)) errors.Add("SILENCE_REPROMPT_LINE is empty.");
        if (string.IsNullOrWhiteSpace(GoodbyeLine)) errors.Add("SILENCE_GOODBYE_LINE is empty.");
        return errors;
    }
}
