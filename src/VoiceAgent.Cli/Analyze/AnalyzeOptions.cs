using VoiceAgent.Observability;
namespace VoiceAgent.Cli.Analyze;

/// <summary>The <c>analyze</c> command's filters and output, as validated by <see cref="AnalyzeCommandLine"/>.</summary>
internal sealed record AnalyzeOptions
{
    /// <summary>--transport values: the transport names the logs use, and short aliases.</summary>
    public static readonly IReadOnlyDictionary<string, string> TransportNames = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [LatencyBudget.ConversationRelay] = LatencyBudget.ConversationRelay,
        ["relay"] = LatencyBudget.ConversationRelay,
        [LatencyBudget.MediaStreams] = LatencyBudget.MediaStreams,
        ["media"] = LatencyBudget.MediaStreams,
        [LatencyBudget.Vonage] = LatencyBudget.Vonage,
    };

    /// <summary>The log file; null reads standard input.</summary>
    public string? File { get; init; }
    public string? CallId { get; init; }
    public DateTimeOffset? Since { get; init; }
    public DateTimeOffset? Until { get; init; }
    public string? Transport { get; init; }
    public bool Json { get; init; }

    /// <summary>Whether a turn passes the filters (since inclusive, until exclusive).</summary>
    public bool Matches(TurnRecord turn) =>
        (CallId is null || string.Equals(turn.CallId, CallId, StringComparison.Ordinal))
        && (Transport is null || string.Equals(turn.Transport, Transport, StringComparison.Ordinal))
        && (Since is null || turn.Timestamp >= Since)
        && (Until is null || turn.Timestamp < Until);
}
