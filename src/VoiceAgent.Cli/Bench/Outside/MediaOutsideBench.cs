using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace VoiceAgent.Cli.Bench.Outside;

/// <summary>The parsed options of <c>bench --scenario media --outside</c>.</summary>
internal sealed record MediaOutsideOptions
{
    public required ServerSpec Candidate { get; init; }
    public ServerSpec? Baseline { get; init; }
    public IReadOnlyList<int> Levels { get; init; } = [200];
    public int TurnsPerCall { get; init; } = 4;
    /// <summary>Calls started per second while a level ramps up.</summary>
    public int CallsPerSecond { get; init; } = 50;
    public IReadOnlyDictionary<string, string> ServerEnvironment { get; init; } = new Dictionary<string, string>();
    public string Scratch { get; init; } = Path.Combine(Path.GetTempPath(), "voiceagent-bench");
    /// <summary><c>--server-log</c>: the candidate server's console (JSON, <c>LOG_FORMAT=json</c>), appended level after level.</summary>
    public string? ServerLog { get; init; }
}

/// <summary>One server at one level of the media bench.</summary>
internal sealed record MediaLevelResult(string Target, int Calls, int Turns, int FailedTurns, string? FirstFailure, int Replies, int Frames,
    int Underruns, double SilenceMs, LatencyStats DelayVariationMs, LatencyStats ClearAfterOnsetMs, double? CpuPercentOfCore, double DurationSeconds);

/// <summary>
/// <c>bench --scenario media --outside</c>: real-time Media Streams callers against a published Release server in a
/// process of its own (and, side by side, a baseline build: <c>--baseline-ref</c>/<c>--baseline-dir</c>), with the
/// Deepgram, ElevenLabs and model stand-ins and the callers in this process. Per level and server: underruns at the
/// callers (playback ran dry inside a reply) and the silence they made, frame delay variation, barge-in speech onset →
/// <c>clear</c>, and the server's CPU read from /proc. Builds are published and cached as in <c>--scenario outside</c>.
/// </summary>
internal static class MediaOutsideBench
{
    private const string AuthToken = "bench-auth-token-0123456789";
    private const string AccountSid = "AC0123456789abcdef0123456789abcdef";
    private const string PublicBaseUrl = "https://bench.voiceagent.invalid";

    public static async Task<int> RunAsync(MediaOutsideOptions options, TextWriter output, TextWriter progress, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(options.Scratch);
        var targets = new List<(ServerSpec Spec, string Dir, string Source)>();
        if (options.Baseline is { } baseline) targets.Add(await OutsideBench.ResolveAsync(baseline, options.Scratch, progress, cancellationToken));
        targets.Add(await OutsideBench.ResolveAsync(options.Candidate, options.Scratch, progress, cancellationToken));

        var results = new List<MediaLevelResult>();
        foreach (var calls in options.Levels)
        {
            foreach (var (spec, dir, source) in targets)
            {
                await progress.WriteLineAsync($"{spec.Name} ({source}): {calls} real-time calls x {options.TurnsPerCall} turns ...");
                var result = await RunLevelAsync(spec, dir, calls, options, progress, cancellationToken);
                results.Add(result);
                await progress.WriteLineAsync(Row(result));
            }
        }

        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"bench media (outside): {options.TurnsPerCall} turns a call (every second one interrupted after 400 ms of the reply), calls ramped in at {options.CallsPerSecond}/s; callers and provider stand-ins in this process, {Environment.ProcessorCount} cores"));
        foreach (var (spec, _, source) in targets) await output.WriteLineAsync($"  {spec.Name}: {source}");
        await output.WriteLineAsync(Table(results));
        if (options.Baseline is not null) await output.WriteLineAsync(Ratios(results));
        foreach (var failed in results.Where(r => r.FirstFailure is not null)) await output.WriteLineAsync($"  {failed.Target} at {failed.Calls} calls, first failure: {failed.FirstFailure}");
        return results.All(r => r.FailedTurns == 0) ? 0 : 1;
    }

    private static async Task<MediaLevelResult> RunLevelAsync(ServerSpec spec, string publishedDir, int calls, MediaOutsideOptions options, TextWriter log, CancellationToken cancellationToken)
    {
        var dataDir = Directory.CreateTempSubdirectory("voiceagent-bench-data-").FullName;
        // Each interrupted turn is two utterances and two replies.
        await using var providers = await BenchProviders.StartAsync(calls * options.TurnsPerCall * 2, cancellationToken);
        var environment = providers.Settings(dataDir);
        environment["TWILIO_AUTH_TOKEN"] = AuthToken;
        environment["TWILIO_ACCOUNT_SID"] = AccountSid;
        environment["PUBLIC_BASE_URL"] = PublicBaseUrl;
        var serverLog = spec.Name == "candidate" ? options.ServerLog : null;
        if (serverLog is not null) environment["LOG_FORMAT"] = "json";
        foreach (var (key, value) in options.ServerEnvironment) environment[key] = value;
        var server = await ServerProcess.StartAsync(publishedDir, environment, serverLog, cancellationToken);
        try
        {
            var proc = ProcReader.Supported ? new ProcReader(server.Pid) : null;
            var progress = new LoadProgress($"{spec.Name} {calls} calls", calls * options.TurnsPerCall, log);
            using var reporting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var reporter = progress.ReportAsync(TimeSpan.FromSeconds(5), () => "", reporting.Token);
            var connectUrl = new Uri($"ws://{server.Address.Authority}/ws/media");
            var signedUrl = PublicBaseUrl.Replace("https://", "wss://", StringComparison.Ordinal) + "/ws/media";
            var cpuBefore = proc?.CpuSeconds();
            var wall = Stopwatch.StartNew();
            var ramp = TimeSpan.FromSeconds(calls / (double)options.CallsPerSecond);
            var runs = Enumerable.Range(0, calls).Select(async i =>
            {
                await Task.Delay(ramp * i / calls, cancellationToken);
                return await new MediaLoadCall(connectUrl, signedUrl, AuthToken, AccountSid, options.TurnsPerCall, progress).RunAsync(i, cancellationToken);
            }).ToArray();
            var callResults = await Task.WhenAll(runs);
            var duration = wall.Elapsed;
            var cpu = proc is null ? (double?)null : proc.CpuSeconds() - cpuBefore!.Value;
            await reporting.CancelAsync();
            await reporter;
            return new MediaLevelResult(spec.Name, calls,
                callResults.Sum(c => c.Turns + c.FailedTurns), callResults.Sum(c => c.FailedTurns), callResults.Select(c => c.FirstFailure).FirstOrDefault(f => f is not null),
                callResults.Sum(c => c.Playout.Replies), callResults.Sum(c => c.Playout.Frames),
                callResults.Sum(c => c.Playout.Underruns), callResults.Sum(c => c.Playout.SilenceMs),
                LatencyStats.Of(callResults.SelectMany(c => c.Playout.DelayVariationMs).ToArray()),
                LatencyStats.Of(callResults.SelectMany(c => c.ClearAfterOnsetMs).ToArray()),
                cpu is { } seconds ? seconds * 100 / duration.TotalSeconds : null, duration.TotalSeconds);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            await log.WriteLineAsync($"  server output (last lines):{Environment.NewLine}{server.Tail}");
            throw;
        }
        finally
        {
            await server.DisposeAsync();
            try { Directory.Delete(dataDir, recursive: true); } catch (IOException) { }
        }
    }

    private const string Header = "| server | calls | turns (failed) | replies | frames | underruns | silence ms | frame delay variation p50 / p99 / max ms | onset → clear p50 / p99 ms (n) | server CPU % of a core |";

    internal static string Table(IEnumerable<MediaLevelResult> results)
    {
        var table = new StringBuilder().AppendLine(Header).AppendLine("|---|---|---|---|---|---|---|---|---|---|");
        foreach (var r in results) table.AppendLine(Row(r));
        return table.ToString().TrimEnd();
    }

    internal static string Row(MediaLevelResult r) => string.Create(CultureInfo.InvariantCulture,
        $"| {r.Target} | {r.Calls} | {r.Turns} ({r.FailedTurns}) | {r.Replies} | {r.Frames} | {r.Underruns} | {r.SilenceMs:F0} | {r.DelayVariationMs.Median:F1} / {r.DelayVariationMs.P99:F1} / {r.DelayVariationMs.Max:F1} | {r.ClearAfterOnsetMs.Median:F0} / {r.ClearAfterOnsetMs.P99:F0} ({r.ClearAfterOnsetMs.Count}) | {(r.CpuPercentOfCore is { } cpu ? cpu.ToString("F1", CultureInfo.InvariantCulture) : "n/a")} |");

    internal static string Ratios(IReadOnlyList<MediaLevelResult> results)
    {
        var text = new StringBuilder("candidate / baseline:");
        foreach (var group in results.GroupBy(r => r.Calls))
        {
            if (group.FirstOrDefault(r => r.Target == "baseline") is not { } b || group.FirstOrDefault(r => r.Target == "candidate") is not { } c) continue;
            text.Append(string.Create(CultureInfo.InvariantCulture,
                $"{Environment.NewLine}  {group.Key} calls: underruns {c.Underruns} vs {b.Underruns}, silence {c.SilenceMs:F0} vs {b.SilenceMs:F0} ms, delay variation p99 {Ratio(c.DelayVariationMs.P99, b.DelayVariationMs.P99)}, onset → clear p99 {Ratio(c.ClearAfterOnsetMs.P99, b.ClearAfterOnsetMs.P99)}, CPU {Ratio(c.CpuPercentOfCore, b.CpuPercentOfCore)}"));
        }
        return text.ToString();
    }

    private static string Ratio(double? candidate, double? baseline)
        => candidate is { } c && baseline is { } b && b > 0 && !double.IsNaN(c) ? (c / b).ToString("F2", CultureInfo.InvariantCulture) + "x" : "n/a";
}
