namespace VoiceAgent.Providers.Resilience;

/// <summary>Deadlines of the stream watchdog (<see cref="ChatClientResilienceExtensions.WithWatchdog(Microsoft.Extensions.AI.IChatClient, TimeProvider, StreamWatchdogOptions)"/>).</summary>
public sealed record StreamWatchdogOptions
{
    /// <summary>From sending the request to the first text or tool-call update. Default 3 s.</summary>
    public TimeSpan FirstTokenTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Longest silence between upstream updates once the first token arrived. Default 2 s.</summary>
    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Every problem with these settings; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (FirstTokenTimeout <= TimeSpan.Zero)
            errors.Add($"{nameof(FirstTokenTimeout)} must be positive (was {FirstTokenTimeout}); 2-4 s keeps callers from hearing dead air.");
        if (StallTimeout <= TimeSpan.Zero)
            errors.Add($"{nameof(StallTimeout)} must be positive (was {StallTimeout}).");
        return errors;
    }
}
