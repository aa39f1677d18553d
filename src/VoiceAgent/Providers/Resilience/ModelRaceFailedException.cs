namespace VoiceAgent.Providers.Resilience;

/// <summary>
/// Both raced model requests failed before a first token. <see cref="Exception.InnerException"/> is the failure
/// that ended the race (so <see cref="ProviderFailure.Classify"/> sees it); <see cref="FirstFailure"/> is the other.
/// </summary>
public sealed class ModelRaceFailedException : Exception
{
    public ModelRaceFailedException() : base("Both model requests failed before a first token.") { }

    public ModelRaceFailedException(string message) : base(message) { }

    public ModelRaceFailedException(string message, Exception innerException) : base(message, innerException) { }

    public ModelRaceFailedException(Exception firstFailure, Exception lastFailure)
        : base($"Both model requests failed before a first token ({firstFailure.GetType().Name}: {firstFailure.Message}; then {lastFailure.GetType().Name}: {lastFailure.Message}).", lastFailure)
        => FirstFailure = firstFailure;

    /// <summary>The failure of the request that failed first.</summary>
    public Exception? FirstFailure { get; }
}
