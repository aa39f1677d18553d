using System.Globalization;

namespace VoiceAgent.Cli.Analyze;

/// <summary>The <c>analyze</c> command's options, validated strictly: an unknown option or a bad value is an error.</summary>
internal sealed record AnalyzeOptions
{
    /// <summary>--transport values: the transport names the logs use, and short aliases.</summary>
    private static readonly Dictionary<string, string> TransportNames = new(StringComparer.Ordinal)
    {
        [LatencyBudget.ConversationRelay] = LatencyBudget.ConversationRelay,
        ["relay"] = LatencyBudget.ConversationRelay,
        [LatencyBudget.MediaStreams] = LatencyBudget.MediaStreams,
        ["media"] = LatencyBudget.MediaStreams,
        [LatencyBudget.Vonage] = LatencyBudget.Vonage,
    };
    private static readonly string[] Known = ["--file", "--call", "--since", "--until", "--transport", "--json"];

    /// <summary>The log file; null reads standard input.</summary>
    public string? File { get; init; }
    public string? CallId { get; init; }
    public DateTimeOffset? Since { get; init; }
    public DateTimeOffset? Until { get; init; }
    public string? Transport { get; init; }
    public bool Json { get; init; }

    /// <summary>Parses and validates; throws <see cref="ArgumentException"/> listing every problem.</summary>
    public static AnalyzeOptions Parse(CliArguments arguments)
    {
        var errors = new List<string>();
        foreach (var name in arguments.OptionNames)
            if (!Known.Contains(name, StringComparer.Ordinal))
                errors.Add($"unknown option '{name}' (analyze takes {string.Join(", ", Known)})");

        var file = arguments.Get("--file");
        if (file == "true") errors.Add("--file needs a path (or - for standard input)");
        var call = arguments.Get("--call");
        if (call == "true") errors.Add("--call needs a call id (e.g. --call CA0123…)");
        var since = Time("--since", arguments.Get("--since"), errors);
        var until = Time("--until", arguments.Get("--until"), errors);
        if (since is { } s && until is { } u && u <= s) errors.Add("--until must be later than --since");
        var transportArg = arguments.Get("--transport");
        string? transport = null;
        if (transportArg is not null && !TransportNames.TryGetValue(transportArg, out transport))
            errors.Add($"--transport '{transportArg}' is not one of {string.Join(", ", TransportNames.Keys)}");
        var json = arguments.Get("--json");
        if (json is not null && json != "true") errors.Add($"--json takes no value (got '{json}')");

        if (errors.Count > 0) throw new ArgumentException("analyze: " + string.Join("; ", errors) + ".");
        return new AnalyzeOptions
        {
            File = file is null or "-" ? null : file,
            CallId = call,
            Since = since,
            Until = until,
            Transport = transport,
            Json = json is not null,
        };
    }

    private static DateTimeOffset? Time(string name, string? value, List<string> errors)
    {
        if (value is null) return null;
        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)) return at;
        errors.Add($"{name} '{value}' is not a time (use ISO 8601, e.g. 2026-12-07T02:00:00Z; no offset means UTC)");
        return null;
    }

    /// <summary>Whether a turn passes the filters (since inclusive, until exclusive).</summary>
    public bool Matches(TurnRecord turn) =>
        (CallId is null || string.Equals(turn.CallId, CallId, StringComparison.Ordinal))
        && (Transport is null || string.Equals(turn.Transport, Transport, StringComparison.Ordinal))
        && (Since is null || turn.Timestamp >= Since)
        && (Until is null || turn.Timestamp < Until);
}
