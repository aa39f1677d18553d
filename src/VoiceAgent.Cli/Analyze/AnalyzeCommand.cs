using System.Text.Encodings.Web;
using System.Text.Json;

namespace VoiceAgent.Cli.Analyze;

/// <summary>
/// <c>voiceagent analyze [--file LOG|-] [--call ID] [--since T] [--until T] [--transport conversation-relay|media-streams|vonage (or relay, media)] [--json]</c>:
/// per-hop latency percentiles from the server's JSON logs (LOG_FORMAT=json) against the documented budget.
/// Exit 0 with a report, 1 when no turn matched, 2 on a bad option (<see cref="AnalyzeCommandLine"/>) or an unreadable file.
/// </summary>
internal static class AnalyzeCommand
{
    // Readable output (→, –) rather than \u escapes; the report is written to a terminal or a file, never into HTML.
    private static readonly LatencyReportJson Json = new(new JsonSerializerOptions
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    public static async Task<int> RunAsync(AnalyzeOptions options, TextReader standardInput, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var reader = new LogReader();
        if (options.File is { } path)
        {
            StreamReader file;
            try { file = new StreamReader(path); }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                await error.WriteLineAsync($"analyze: cannot read --file '{path}': {ex.Message}");
                return 2;
            }
            using (file) await reader.ReadAsync(file, cancellationToken);
        }
        else
        {
            await reader.ReadAsync(standardInput, cancellationToken);
        }

        var report = LatencyReport.Build(reader, options);
        if (options.Json) await output.WriteLineAsync(JsonSerializer.Serialize(report, Json.LatencyReport));
        else await output.WriteAsync(ReportWriter.Text(report));
        if (report.Turns > 0) return 0;
        await error.WriteLineAsync("analyze: no turn summaries matched (is the server logging with LOG_FORMAT=json at Information, and do the filters match?)");
        return 1;
    }
}
