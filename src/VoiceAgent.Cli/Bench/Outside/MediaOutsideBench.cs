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
    /// <summary>The model stand-in's time to first token (the 300 ms).</summary>
    public TimeSpan ModelFirstToken { get; init; } = TimeSpan.FromMilliseconds(300);
    /// <summary>The TTS stand-in's time to first audio (the 150 ms).</summary>
    public TimeSpan TtsFirstAudio { get; init; } = TimeSpan.FromMilliseconds(150);
}

/// <summary>One server at one level of the media bench, with one <c>SPECULATIVE_REPLIES</c> mode.</summary>
internal sealed record MediaLevelResult(string Target, string Speculation, int Calls, int Turns, int FailedTurns, string? FirstFailure, int Replies, int Frames,
    int Underruns, double SilenceMs, LatencyStats DelayVariationMs, LatencyStats ClearAfterOnsetMs, double? CpuPercentOfCore, double DurationSeconds)
{
    /// <summary>Caller's speech end → the reply's first frame at the caller, per reply.</summary>
    public required LatencyStats SpeechEndToAudioMs { get; init; }
    /// <summary>Speech end → first audio minus the stand-ins' own times (their medians); null with speculation, where the model overlaps endpointing.</summary>
    public required LatencyStats? ServerShareMs { get; init; }
    public required StandInTimes StandIns { get; init; }
    public required int ModelRequests { get; init; }
    public required int AbortedModelRequests { get; init; }
    /// <summary>How late the bench's own 20 ms probe timer woke: the load generator's lag, which would delay callers' arrival stamps.</summary>
    public required LatencyStats BenchLagMs { get; init; }
    /// <summary>The server's CPU time (user + system, from /proc) per minute of one live call: less load-sensitive than latency.</summary>
    public double? CpuSecondsPerCallMinute { get; init; }
    /// <summary>Bytes the server allocated (the runtime's own counter) per second of one live call, in KB.</summary>
    public double? AllocatedKBPerCallSecond { get; init; }
    /// <summary>Gen0 collections of the server over the level.</summary>
    public long? Gen0Collections { get; init; }
    /// <summary>The server's own hops and playout ticks from its log (<c>--server-log</c>, candidate only); null without.</summary>
    public ServerHops? ServerHops { get; init; }
}

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
                // The candidate runs without and with speculation; the baseline as it was (speculation off).
                foreach (var speculation in spec.Name == "candidate" ? SpeculationModes : ["off"])
                {
                    await progress.WriteLineAsync($"{spec.Name} ({source}), speculation {speculation}: {calls} real-time calls x {options.TurnsPerCall} turns ...");
                    var serverLog = spec.Name == "candidate" ? options.ServerLog : null;
                    var logFrom = serverLog is not null && File.Exists(serverLog) ? new FileInfo(serverLog).Length : 0;
                    var result = WithServerHops(await RunLevelAsync(spec, dir, calls, speculation, options, progress, cancellationToken), serverLog, logFrom);
                    results.Add(result);
                    await progress.WriteLineAsync(Row(result));
                    await progress.WriteLineAsync(FirstAudioRow(result));
                    if (result.ServerHops is { } hops) await progress.WriteLineAsync(ServerHops.Row(result, hops));
                }
            }
        }

        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"bench media (outside): {options.TurnsPerCall} turns a call (every second one interrupted after 400 ms of the reply), calls ramped in at {options.CallsPerSecond}/s; callers and provider stand-ins in this process, {Environment.ProcessorCount} cores"));
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"stand-ins: STT endpoint at the server's endpointing, model {options.ModelFirstToken.TotalMilliseconds:F0} ms to first token, TTS {options.TtsFirstAudio.TotalMilliseconds:F0} ms to first audio"));
        foreach (var (spec, _, source) in targets) await output.WriteLineAsync($"  {spec.Name}: {source}");
        await output.WriteLineAsync(Table(results));
        await output.WriteLineAsync();
        await output.WriteLineAsync(FirstAudioTable(results));
        if (results.Any(r => r.ServerHops is not null))
        {
            await output.WriteLineAsync();
            await output.WriteLineAsync("server's own hops to the first audio, p50 / p99 ms (its Debug lines 5070), and its playout ticks (5071):");
            await output.WriteLineAsync(ServerHops.Header);
            await output.WriteLineAsync("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
            foreach (var r in results) if (r.ServerHops is { } hops) await output.WriteLineAsync(ServerHops.Row(r, hops));
        }
        if (options.Baseline is not null) await output.WriteLineAsync(Ratios(results));
        foreach (var failed in results.Where(r => r.FirstFailure is not null)) await output.WriteLineAsync($"  {failed.Target} at {failed.Calls} calls, first failure: {failed.FirstFailure}");
        return results.All(r => r.FailedTurns == 0) ? 0 : 1;
    }

    /// <summary>SPECULATIVE_REPLIES values the candidate runs each level with.</summary>
    private static readonly string[] SpeculationModes = ["off", "final"];

    private static async Task<MediaLevelResult> RunLevelAsync(ServerSpec spec, string publishedDir, int calls, string speculation, MediaOutsideOptions options, TextWriter log, CancellationToken cancellationToken)
    {
        var dataDir = Directory.CreateTempSubdirectory("voiceagent-bench-data-").FullName;
        // Each interrupted turn is two utterances and two replies; discarded speculations take replies too.
        await using var providers = await BenchProviders.StartAsync(calls * options.TurnsPerCall * 3, options.ModelFirstToken, options.TtsFirstAudio, cancellationToken);
        var serverLog = spec.Name == "candidate" ? options.ServerLog : null;
        var settings = providers.Settings(dataDir);
        if (serverLog is not null) foreach (var (key, value) in ServerHops.LogSettings) settings[key] = value; // the hop and tick lines
        var environment = new BenchServerEnvironment(AuthToken, AccountSid, PublicBaseUrl, dataDir)
            .WithProviders(settings)
            .WithJsonLog(serverLog is not null)
            .WithUserSettings(options.ServerEnvironment)
            .WithRowSetting("SPECULATIVE_REPLIES", speculation)
            .Build();
        var server = await ServerProcess.StartAsync(publishedDir, environment, serverLog, cancellationToken);
        try
        {
            var proc = ProcReader.Supported ? new ProcReader(server.Pid) : null;
            var progress = new LoadProgress($"{spec.Name} {calls} calls", calls * options.TurnsPerCall, log);
            using var reporting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var reporter = progress.ReportAsync(TimeSpan.FromSeconds(5), () => "", reporting.Token);
            var connectUrl = new Uri($"ws://{server.Address.Authority}/ws/media");
            var signedUrl = PublicBaseUrl.Replace("https://", "wss://", StringComparison.Ordinal) + "/ws/media";
            await using var allocations = proc is null ? null : AllocationCounter.TryStart(proc.Pid, log);
            var allocatedBefore = allocations?.AllocatedBytes ?? 0;
            var gen0Before = allocations?.Gen0Collections ?? 0;
            var cpuBefore = proc?.CpuSeconds();
            var lag = BenchLagProbe.Start(reporting.Token);
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
            // One counter interval more, so the allocations of the level's last second are in (the callers have hung up: little is added).
            if (allocations is not null) await Task.Delay(TimeSpan.FromSeconds(1.5), cancellationToken);
            var callSeconds = calls * duration.TotalSeconds;
            await reporting.CancelAsync();
            await reporter;
            var lagMs = await lag;
            var firstAudio = callResults.SelectMany(c => c.SpeechEndToAudioMs).ToArray();
            var standIns = providers.OwnTimes();
            var (requests, aborted) = providers.ModelRequests;
            return new MediaLevelResult(spec.Name, speculation, calls,
                callResults.Sum(c => c.Turns + c.FailedTurns), callResults.Sum(c => c.FailedTurns), callResults.Select(c => c.FirstFailure).FirstOrDefault(f => f is not null),
                callResults.Sum(c => c.Playout.Replies), callResults.Sum(c => c.Playout.Frames),
                callResults.Sum(c => c.Playout.Underruns), callResults.Sum(c => c.Playout.SilenceMs),
                LatencyStats.Of(callResults.SelectMany(c => c.Playout.DelayVariationMs).ToArray()),
                LatencyStats.Of(callResults.SelectMany(c => c.ClearAfterOnsetMs).ToArray()),
                cpu is { } seconds ? seconds * 100 / duration.TotalSeconds : null, duration.TotalSeconds)
            {
                SpeechEndToAudioMs = LatencyStats.Of(firstAudio),
                // Without speculation the turn is endpointing, then the model, then the TTS, one after the other.
                ServerShareMs = speculation == "off" ? LatencyStats.Of(firstAudio.Select(ms => ms - standIns.MedianSum).ToArray()) : null,
                StandIns = standIns,
                ModelRequests = requests,
                AbortedModelRequests = aborted,
                BenchLagMs = lagMs,
                CpuSecondsPerCallMinute = cpu is { } used ? used / (callSeconds / 60) : null,
                AllocatedKBPerCallSecond = allocations is null ? null : (allocations.AllocatedBytes - allocatedBefore) / 1024.0 / callSeconds,
                Gen0Collections = allocations is null ? null : allocations.Gen0Collections - gen0Before,
            };
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

    /// <summary>The level's result with the server's own hops read from its log (written out once the server has stopped).</summary>
    private static MediaLevelResult WithServerHops(MediaLevelResult result, string? serverLog, long from)
        => serverLog is null ? result : result with { ServerHops = ServerHops.Read(serverLog, from) };

    private const string Header = "| server | speculation | calls | turns (failed) | replies | frames | underruns | silence ms | frame delay variation p50 / p99 / max ms | onset → clear p50 / p99 ms (n) | server CPU % of a core | server CPU s per call-minute | server alloc KB per call-second (gen0 GCs) | bench lag p50 / p99 / max ms |";

    internal static string Table(IEnumerable<MediaLevelResult> results)
    {
        var table = new StringBuilder().AppendLine(Header).AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var r in results) table.AppendLine(Row(r));
        return table.ToString().TrimEnd();
    }

    internal static string Row(MediaLevelResult r) => string.Create(CultureInfo.InvariantCulture,
        $"| {r.Target} | {r.Speculation} | {r.Calls} | {r.Turns} ({r.FailedTurns}) | {r.Replies} | {r.Frames} | {r.Underruns} | {r.SilenceMs:F0} | {r.DelayVariationMs.Median:F1} / {r.DelayVariationMs.P99:F1} / {r.DelayVariationMs.Max:F1} | {r.ClearAfterOnsetMs.Median:F0} / {r.ClearAfterOnsetMs.P99:F0} ({r.ClearAfterOnsetMs.Count}) | {(r.CpuPercentOfCore is { } cpu ? cpu.ToString("F1", CultureInfo.InvariantCulture) : "n/a")} | {(r.CpuSecondsPerCallMinute is { } perMinute ? perMinute.ToString("F3", CultureInfo.InvariantCulture) : "n/a")} | {(r.AllocatedKBPerCallSecond is { } kb ? string.Create(CultureInfo.InvariantCulture, $"{kb:F1} ({r.Gen0Collections})") : "n/a")} | {r.BenchLagMs.Median:F1} / {r.BenchLagMs.P99:F1} / {r.BenchLagMs.Max:F1} |");

    private const string FirstAudioHeader = "| server | speculation | calls | speech end → first audio p50 / p99 ms (n) | server's own share p50 / p99 ms | stand-ins p50 / p99 ms: endpointing, model first token, TTS first audio | model requests per turn (aborted) |";

    internal static string FirstAudioTable(IEnumerable<MediaLevelResult> results)
    {
        var table = new StringBuilder().AppendLine(FirstAudioHeader).AppendLine("|---|---|---|---|---|---|---|");
        foreach (var r in results) table.AppendLine(FirstAudioRow(r));
        return table.ToString().TrimEnd();
    }

    internal static string FirstAudioRow(MediaLevelResult r)
    {
        var s = r.StandIns;
        var share = r.ServerShareMs is { } m ? string.Create(CultureInfo.InvariantCulture, $"{m.Median:F1} / {m.P99:F1}") : "n/a (overlaps endpointing)";
        var perTurn = r.Turns == 0 ? "n/a" : (r.ModelRequests / (double)r.Turns).ToString("F2", CultureInfo.InvariantCulture);
        return string.Create(CultureInfo.InvariantCulture,
            $"| {r.Target} | {r.Speculation} | {r.Calls} | {r.SpeechEndToAudioMs.Median:F0} / {r.SpeechEndToAudioMs.P99:F0} ({r.SpeechEndToAudioMs.Count}) | {share} | {s.Endpointing.Median:F0} / {s.Endpointing.P99:F0}, {s.ModelFirstToken.Median:F0} / {s.ModelFirstToken.P99:F0}, {s.TtsFirstAudio.Median:F0} / {s.TtsFirstAudio.P99:F0} | {perTurn} ({r.ModelRequests} requests, {r.AbortedModelRequests} aborted) |");
    }

    internal static string Ratios(IReadOnlyList<MediaLevelResult> results)
    {
        var text = new StringBuilder("candidate / baseline (speculation off):");
        foreach (var group in results.Where(r => r.Speculation == "off").GroupBy(r => r.Calls))
        {
            if (group.FirstOrDefault(r => r.Target == "baseline") is not { } b || group.FirstOrDefault(r => r.Target == "candidate") is not { } c) continue;
            text.Append(string.Create(CultureInfo.InvariantCulture,
                $"{Environment.NewLine}  {group.Key} calls: underruns {c.Underruns} vs {b.Underruns}, silence {c.SilenceMs:F0} vs {b.SilenceMs:F0} ms, delay variation p99 {Ratio(c.DelayVariationMs.P99, b.DelayVariationMs.P99)}, onset → clear p99 {Ratio(c.ClearAfterOnsetMs.P99, b.ClearAfterOnsetMs.P99)}, speech end → first audio p50 {Ratio(c.SpeechEndToAudioMs.Median, b.SpeechEndToAudioMs.Median)}, server share p50 {Ratio(c.ServerShareMs?.Median, b.ServerShareMs?.Median)}, CPU {Ratio(c.CpuPercentOfCore, b.CpuPercentOfCore)}, CPU per call-minute {Ratio(c.CpuSecondsPerCallMinute, b.CpuSecondsPerCallMinute)}, alloc per call-second {Ratio(c.AllocatedKBPerCallSecond, b.AllocatedKBPerCallSecond)}"));
        }
        foreach (var group in results.Where(r => r.Target == "candidate").GroupBy(r => r.Calls))
        {
            if (group.FirstOrDefault(r => r.Speculation == "off") is not { } off || group.FirstOrDefault(r => r.Speculation == "final") is not { } on) continue;
            text.Append(string.Create(CultureInfo.InvariantCulture,
                $"{Environment.NewLine}  speculation at {group.Key} calls: speech end → first audio p50 {on.SpeechEndToAudioMs.Median:F0} vs {off.SpeechEndToAudioMs.Median:F0} ms, p99 {on.SpeechEndToAudioMs.P99:F0} vs {off.SpeechEndToAudioMs.P99:F0} ms; model requests {on.ModelRequests} ({on.AbortedModelRequests} aborted) vs {off.ModelRequests} ({off.AbortedModelRequests} aborted)"));
        }
        return text.ToString();
    }

    private static string Ratio(double? candidate, double? baseline)
        => candidate is { } c && baseline is { } b && b > 0 && !double.IsNaN(c) ? (c / b).ToString("F2", CultureInfo.InvariantCulture) + "x" : "n/a";
}
