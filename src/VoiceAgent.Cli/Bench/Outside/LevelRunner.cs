using System.Diagnostics;
using System.Globalization;
using VoiceAgent.Emulators.Anthropic;
using VoiceAgent.Emulators.ChatScript;
using VoiceAgent.Emulators.Hosting;
using VoiceAgent.Emulators.OpenAI;

namespace VoiceAgent.Cli.Bench.Outside;

/// <summary>
/// Runs one load level against one server: a fresh model stand-in (and a fresh server process when the bench
/// starts it), a cold-start probe call, then the level's calls ramped in, with the server's CPU, memory and
/// allocations read from outside over the level.
/// </summary>
internal sealed class LevelRunner(OutsideBenchOptions options, HttpClient http, TextWriter log)
{
    /// <param name="modelHttp">MODEL_HTTP_VERSION for a launched server (<c>1.1</c>, or <c>2</c>: the stand-in's h2c endpoint); null leaves the server's default.</param>
    public async Task<LevelResult> RunAsync(ServerSpec spec, string publishedDir, string source, int calls, string? modelHttp, CancellationToken cancellationToken)
    {
        var timeline = new TurnTimeline(options.Tokens);
        var reply = new ChatReply { TextChunks = Enumerable.Range(0, options.Tokens).Select(i => string.Create(CultureInfo.InvariantCulture, $"word{i} ")).ToArray() };
        var standInOptions = new ChatEmulatorOptions
        {
            ApiKey = "bench",
            FirstTokenDelay = options.FirstToken,
            InterTokenDelay = options.TokenGap,
            DefaultReply = reply,
            Observer = timeline,
        };
        await using ChatEmulatorHost standIn = options.Model == "openai" ? new OpenAIEmulator(standInOptions) : new AnthropicEmulator(standInOptions);
        await standIn.StartAsync(options.ModelPort, cancellationToken);

        ServerProcess? process = null;
        var dataDir = Directory.CreateTempSubdirectory("voiceagent-bench-data-").FullName;
        try
        {
            Uri address;
            int? pid;
            if (spec.IsRunning)
            {
                address = spec.Url!;
                pid = spec.Pid;
            }
            else
            {
                var serverLog = spec.Name == "candidate" ? options.ServerLog : null;
                process = await ServerProcess.StartAsync(publishedDir, ServerEnvironment(standIn, dataDir, serverLog is not null, modelHttp), serverLog, cancellationToken);
                address = process.Address;
                pid = process.Pid;
            }
            var proc = pid is { } p && ProcReader.Supported ? new ProcReader(p) : null;

            // Cold start: the first call after the server started, alone, a turn at a time.
            var probeProgress = new LoadProgress($"{spec.Name} first call", options.TurnsPerCall, log);
            var probe = await new RelayLoadCall(address, options, http, timeline, probeProgress).RunAsync("probe", cancellationToken);
            var probeFigures = probe.Select(t => t.Measure()).ToArray();

            var progress = new LoadProgress($"{spec.Name} {calls} calls", calls * options.TurnsPerCall, log);
            var rssBefore = proc?.ResidentKb();
            var peakRss = rssBefore ?? 0;
            var cpuBefore = proc?.CpuSeconds();
            await using var allocations = proc is null ? null : AllocationCounter.TryStart(proc.Pid, log, options.AllocationTop > 0);
            var allocatedBefore = allocations?.AllocatedBytes ?? 0;
            var modelConnectionsBefore = standIn.TcpConnectionsAccepted;

            using var sampling = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var sampler = proc is null ? Task.CompletedTask : Task.Run(async () =>
            {
                using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
                try
                {
                    while (await timer.WaitForNextTickAsync(sampling.Token)) peakRss = Math.Max(peakRss, proc.ResidentKb());
                }
                catch (OperationCanceledException) { }
                catch (IOException) { } // the process went away; the level reports its failed turns
            }, CancellationToken.None);
            var reporter = progress.ReportAsync(TimeSpan.FromSeconds(3),
                () => proc is null ? "" : string.Create(CultureInfo.InvariantCulture, $"server RSS {peakRss / 1024.0:F0} MB peak"), sampling.Token);

            var clock = Stopwatch.StartNew();
            var ramp = TimeSpan.FromSeconds(calls / (double)options.CallsPerSecond);
            var runs = Enumerable.Range(0, calls).Select(async i =>
            {
                await Task.Delay(ramp * i / calls, cancellationToken);
                return await new RelayLoadCall(address, options, http, timeline, progress).RunAsync(i.ToString(CultureInfo.InvariantCulture), cancellationToken);
            }).ToArray();
            var traces = (await Task.WhenAll(runs)).SelectMany(t => t).ToArray();
            var duration = clock.Elapsed;
            var modelConnections = standIn.TcpConnectionsAccepted - modelConnectionsBefore;
            var cpuAfter = proc?.CpuSeconds();
            await sampling.CancelAsync();
            await sampler;
            await reporter;
            // One counter interval more, so the allocations of the level's last second are in.
            if (allocations is not null) await Task.Delay(TimeSpan.FromSeconds(1.5), cancellationToken);
            // Stamps the stand-in takes after a flush may land after the caller's read: wait until every stream ended.
            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);

            var figures = traces.Select(t => t.Measure()).ToArray();
            var ok = figures.Where(f => f.Ok).ToArray();
            var turns = figures.Length;
            var probeOk = probeFigures.All(f => f.Ok) && probeFigures.Length > 1;
            return new LevelResult
            {
                Target = spec.Name,
                Source = source,
                ModelHttp = modelHttp,
                ModelConnections = modelConnections,
                Calls = calls,
                Turns = turns,
                FailedTurns = figures.Length - ok.Length,
                FirstFailure = figures.FirstOrDefault(f => !f.Ok)?.Failure ?? probeFigures.FirstOrDefault(f => !f.Ok)?.Failure,
                IngressMs = LatencyStats.Of(ok.Select(f => f.IngressMs).ToArray()),
                EgressMs = LatencyStats.Of(ok.Select(f => f.EgressMs).ToArray()),
                TokenRelayMs = LatencyStats.Of(ok.SelectMany(f => f.TokenMs).ToArray()),
                ServerAddedMs = LatencyStats.Of(ok.Select(f => f.IngressMs + f.EgressMs).ToArray()),
                DurationSeconds = duration.TotalSeconds,
                CpuMsPerTurn = cpuAfter - cpuBefore is { } cpu ? cpu * 1000 / Math.Max(1, turns) : null,
                CpuPercentOfCore = cpuAfter - cpuBefore is { } cpu2 ? cpu2 * 100 / duration.TotalSeconds : null,
                AllocatedBytesPerTurn = allocations is null ? null : (allocations.AllocatedBytes - allocatedBefore) / (double)Math.Max(1, turns),
                Gen0Collections = allocations?.Gen0Collections,
                Gen1Collections = allocations?.Gen1Collections,
                Gen2Collections = allocations?.Gen2Collections,
                GcPauseMs = allocations?.GcPauseMs,
                ThreadPoolItemsPerTurn = allocations is null ? null : allocations.ThreadPoolCompletedItems / (double)Math.Max(1, turns),
                ThreadPoolQueueMax = allocations?.ThreadPoolQueueMax,
                LockContentions = allocations?.LockContentions,
                TopAllocations = allocations is null || options.AllocationTop == 0 ? null
                    : [.. allocations.SampledByType().Take(options.AllocationTop).Select(kv => new AllocatedType(kv.Key, kv.Value / (double)Math.Max(1, turns)))],
                RssBeforeMb = rssBefore / 1024.0,
                RssPeakMb = proc is null ? null : peakRss / 1024.0,
                RssPerCallKb = rssBefore is { } before ? (peakRss - before) / (double)calls : null,
                FirstTurnMs = probeOk ? probeFigures[0].IngressMs + probeFigures[0].EgressMs : null,
                LaterTurnsMedianMs = probeOk ? LatencyStats.Of(probeFigures.Skip(1).Select(f => f.IngressMs + f.EgressMs).ToArray()).Median : null,
            };
        }
        catch (Exception) when (process is not null && !cancellationToken.IsCancellationRequested)
        {
            await log.WriteLineAsync($"  server output (last lines):{Environment.NewLine}{process.Tail}");
            throw;
        }
        finally
        {
            if (process is not null) await process.DisposeAsync();
            try { Directory.Delete(dataDir, recursive: true); } catch (IOException) { }
        }
    }

    private Dictionary<string, string> ServerEnvironment(EmulatorHost standIn, string dataDir, bool jsonLog, string? modelHttp)
    {
        // HTTP/2 in clear text needs prior knowledge: the stand-in serves it on a port of its own.
        var baseUrl = (modelHttp == "2" ? standIn.Http2BaseUrl! : standIn.BaseUrl).ToString().TrimEnd('/');
        Dictionary<string, string> model = options.Model == "openai"
            ? new() { ["LLM_PROVIDER"] = "openai", ["OPENAI_API_KEY"] = "bench", ["OPENAI_BASE_URL"] = baseUrl + "/v1" }
            : new() { ["LLM_PROVIDER"] = "anthropic", ["ANTHROPIC_API_KEY"] = "bench", ["ANTHROPIC_BASE_URL"] = baseUrl };
        return new BenchServerEnvironment(options.AuthToken, options.AccountSid, options.PublicBaseUrl, dataDir)
            .WithProviders(model)
            .WithJsonLog(jsonLog) // --server-log keeps what analyze reads
            .WithUserSettings(modelHttp is null ? options.ServerEnvironment : new Dictionary<string, string>(options.ServerEnvironment) { ["MODEL_HTTP_VERSION"] = modelHttp })
            .Build();
    }
}
