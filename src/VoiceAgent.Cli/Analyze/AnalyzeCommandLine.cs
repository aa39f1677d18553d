using System.CommandLine;
using VoiceAgent.Cli.CommandLine;

namespace VoiceAgent.Cli.Analyze;

/// <summary><c>voiceagent analyze</c>: its options, their validation and help.</summary>
internal static class AnalyzeCommandLine
{
    public static Command Create(CliConsole console)
    {
        var file = OptionValues.Text("--file", "The server's JSON log (LOG_FORMAT=json); - or no --file reads standard input.", "path|-");
        var call = OptionValues.Text("--call", "Only this call (e.g. CA0123…).", "id");
        var since = OptionValues.Time("--since", "Only turns at or after this time (ISO 8601; no offset means UTC).");
        var until = OptionValues.Time("--until", "Only turns before this time.");
        var transport = new Option<string?>("--transport") { Description = "Only this transport (relay and media are short for the first two).", HelpName = "name" };
        transport.AcceptOnlyFromAmong([.. AnalyzeOptions.TransportNames.Keys]);
        var json = OptionValues.Switch("--json", "Print the report as JSON.");
        var command = new Command("analyze", "Per-hop p50/p95/p99 from the server's JSON logs against the documented latency budget.")
        {
            file, call, since, until, transport, json,
        };
        command.Validators.Add(result =>
        {
            if (result.TryGetValue(since, out var s) && result.TryGetValue(until, out var u) && s is not null && u is not null && u <= s) result.AddError("--until must be later than --since.");
        });
        command.SetAction((parseResult, cancellationToken) =>
        {
            var path = parseResult.GetValue(file);
            var options = new AnalyzeOptions
            {
                File = path is null or "-" ? null : path,
                CallId = parseResult.GetValue(call),
                Since = parseResult.GetValue(since),
                Until = parseResult.GetValue(until),
                Transport = parseResult.GetValue(transport) is { } name ? AnalyzeOptions.TransportNames[name] : null,
                Json = parseResult.GetValue(json),
            };
            return AnalyzeCommand.RunAsync(options, console.Input, console.Output, console.Error, cancellationToken);
        });
        return command;
    }
}
