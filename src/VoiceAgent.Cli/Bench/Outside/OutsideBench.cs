using System.Globalization;
using System.Net;

namespace VoiceAgent.Cli.Bench.Outside;

/// <summary>
/// <c>bench --scenario outside</c>: the server measured from outside. Each server under test (the candidate, and
/// optionally a baseline: another published build, a git ref built here, or a running URL) is a Release build in
/// a process of its own; the ConversationRelay callers and the model stand-in live in this process on one
/// Stopwatch clock. Levels run in turn, baseline then candidate at each level, each on a freshly started server.
/// </summary>
internal static class OutsideBench
{
    public static async Task<int> RunAsync(OutsideBenchOptions options, TextWriter output, TextWriter progress, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(options.Scratch);
        var targets = new List<(ServerSpec Spec, string Dir, string Source)>();
        if (options.Baseline is { } baseline) targets.Add(await ResolveAsync(baseline, options.Scratch, progress, cancellationToken));
        targets.Add(await ResolveAsync(options.Candidate, options.Scratch, progress, cancellationToken));

        using var http = new HttpClient(new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            MaxConnectionsPerServer = int.MaxValue,
            AutomaticDecompression = DecompressionMethods.None,
        }) { Timeout = TimeSpan.FromSeconds(30) };
        var runner = new LevelRunner(options, http, progress);
        if (WarmUpTarget(targets) is { } warm)
        {
            // This process's own first use of its stand-in and callers (JIT-compiled on first use) used to land in the
            // first server's probe turn (~40-150 ms on the first level only, the server's own split said ~1 ms): one
            // call against a throwaway start of that server first, not reported. Each level then starts a fresh server.
            await progress.WriteLineAsync($"warming the bench itself: one call to a throwaway start of {warm.Spec.Name} (not measured) ...");
            await runner.RunAsync(warm.Spec, warm.Dir, warm.Source, calls: 1, options.ModelHttpVersions.Count > 0 ? options.ModelHttpVersions[0] : null, cancellationToken);
        }
        var results = new List<LevelResult>();
        foreach (var calls in options.Levels)
        {
            foreach (var (spec, dir, source) in targets)
            {
                foreach (var modelHttp in options.ModelHttpVersions.Count == 0 ? [null] : options.ModelHttpVersions.Select(v => (string?)v))
                {
                    var over = modelHttp is null ? "" : $", model over HTTP/{modelHttp}";
                    await progress.WriteLineAsync($"{spec.Name} ({source}): {calls} calls x {options.TurnsPerCall} turns{over} ...");
                    var result = await runner.RunAsync(spec, dir, source, calls, modelHttp, cancellationToken);
                    results.Add(result);
                    await progress.WriteLineAsync(OutsideReport.Table([result]).Split('\n')[2]);
                }
            }
        }

        var settings = string.Create(CultureInfo.InvariantCulture,
            $"ConversationRelay, {options.Model} stand-in {options.FirstToken.TotalMilliseconds:F0} ms to first token, {options.Tokens} tokens {options.TokenGap.TotalMilliseconds:F0} ms apart, {options.TurnsPerCall} turns a call {options.TurnGap.TotalMilliseconds:F0} ms apart, calls ramped in at {options.CallsPerSecond}/s");
        await output.WriteLineAsync($"bench outside: {settings}");
        foreach (var (spec, _, source) in targets) await output.WriteLineAsync($"  {spec.Name}: {source}");
        await output.WriteLineAsync(OutsideReport.Table(results));
        var ratios = OutsideReport.Ratios(results);
        await output.WriteLineAsync(OutsideReport.RatioTable(ratios));
        await output.WriteLineAsync(OutsideReport.ModelHttpRatioTable(results));
        if (options.JsonPath is { } path)
        {
            var machine = string.Create(CultureInfo.InvariantCulture, $"{Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}");
            await File.WriteAllTextAsync(path, OutsideReport.Json(new OutsideBenchRun(machine, settings, results, ratios)), cancellationToken);
            await output.WriteLineAsync($"JSON written to {path}");
        }
        return results.All(r => r.FailedTurns == 0) ? 0 : 1;
    }

    /// <summary>
    /// The server the bench warms its own code against before the first measured level: the first one it starts itself.
    /// None when every server is already running (a call would warm the very server whose first turn is measured).
    /// </summary>
    internal static (ServerSpec Spec, string Dir, string Source)? WarmUpTarget(IReadOnlyList<(ServerSpec Spec, string Dir, string Source)> targets)
    {
        foreach (var target in targets)
            if (!target.Spec.IsRunning) return target;
        return null;
    }

    /// <summary>The published folder to start for <paramref name="spec"/> (publishing a tree or a git ref into <paramref name="scratch"/>), and where it came from.</summary>
    internal static async Task<(ServerSpec Spec, string Dir, string Source)> ResolveAsync(ServerSpec spec, string scratch, TextWriter log, CancellationToken cancellationToken)
    {
        if (spec.IsRunning) return (spec, "", $"running server at {spec.Url}" + (spec.Pid is { } pid ? $" (pid {pid})" : " (no pid: CPU, memory and allocations n/a)"));
        if (spec.PublishedDir is { } dir) return (spec, dir, $"published build in {dir}");
        if (spec.GitRef is { } gitRef)
        {
            var repo = ServerBuild.FindSourceRoot(Directory.GetCurrentDirectory());
            var (published, commit) = await ServerBuild.PublishRefAsync(repo, gitRef, scratch, log, cancellationToken);
            return (spec, published, $"git {gitRef} ({commit[..9]}) published");
        }
        var source = spec.SourceRoot!;
        var output = Path.Combine(scratch, "publish-" + spec.Name);
        if (Directory.Exists(output)) Directory.Delete(output, recursive: true);
        return (spec, await ServerBuild.PublishAsync(source, output, log, cancellationToken), $"working tree {source} published");
    }
}
