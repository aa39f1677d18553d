using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using VoiceAgent.Emulators.Anthropic;
using VoiceAgent.Emulators.Twilio;
using VoiceAgent.Hosting;
using VoiceAgent.Observability;
using VoiceAgent.Server;

namespace VoiceAgent.Cli.Bench;

/// <summary>
/// <c>bench</c>: runs the real server in-process against local emulators and measures the latency our own
/// code adds. Relay scenario: per turn, the server's own histogram of first model delta in → first text frame
/// out (one clock, stamped in the turn runner), plus what the emulated caller sees end to end.
/// </summary>
internal static class BenchCommand
{
    public static async Task<int> RunAsync(CliArguments args, TextWriter output, CancellationToken cancellationToken)
    {
        var turns = args.GetInt("--turns", 300);
        var warmup = Math.Min(30, turns / 5);
        var scenario = args.Get("--scenario") ?? "relay";
        if (scenario == "media")
        {
            var levels = (args.Get("--calls") ?? "1").Split(',').Select(v => int.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            return await MediaBench.RunAsync(levels, args.GetInt("--turns", 10), args.Get("--isolated") == "true", output, cancellationToken);
        }
        if (scenario == "outside")
            return await Outside.OutsideBench.RunAsync(Outside.OutsideBenchOptions.From(args), output, Console.Error, cancellationToken);
        if (scenario == "micro") return await MicroBench.RunAsync(output, cancellationToken);
        if (scenario == "stalled") return await StalledCallersBench.RunAsync(args, output, cancellationToken);
        if (scenario == "echo")
            return await EchoBench.RunAsync(args.GetInt("--rate", 8000), args.Get("--verbose") == "true", output,
                args.Get("--min-speech-ms") is null ? null : args.GetInt("--min-speech-ms", 400),
                args.Get("--trace-cell") is null ? null : args.GetInt("--trace-cell", 0), args.Get("--no-canceller") == "true");
        if (scenario != "relay")
        {
            await output.WriteLineAsync($"Unknown scenario '{scenario}'. Known: outside, relay, media, micro, echo, stalled.");
            return 2;
        }

        var redisUrl = args.Get("--redis-url");
        var dataDir = Directory.CreateTempSubdirectory("voiceagent-bench-").FullName;
        await using var model = new AnthropicEmulator(new() { ApiKey = "bench", FirstTokenDelay = TimeSpan.Zero, InterTokenDelay = TimeSpan.Zero });
        await model.StartAsync(cancellationToken: cancellationToken);
        var app = await VoiceAgentServer.BuildAsync([], new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["DATA_DIR"] = dataDir,
            ["ANTHROPIC_API_KEY"] = "bench",
            ["ANTHROPIC_BASE_URL"] = model.BaseUrl.ToString().TrimEnd('/'),
            ["Logging:LogLevel:Default"] = "Warning",
            ["REDIS_URL"] = redisUrl,
        }, cancellationToken);
        await app.StartAsync(cancellationToken);
        try
        {
            using var recorder = new MetricRecorder();
            var address = app.BoundAddress();
            var settings = app.Services.GetRequiredService<VoiceAgentSettings>();
            var signedUrl = settings.PublicBaseUrl.Replace("http", "ws", StringComparison.Ordinal) + VoiceAgentEndpointRouteBuilderExtensions.RelaySocketPath;
            await using var caller = await ConversationRelayCaller.ConnectAsync(
                new Uri($"ws://{address.Authority}{VoiceAgentEndpointRouteBuilderExtensions.RelaySocketPath}"), signedUrl, settings.TwilioAuthToken, cancellationToken);
            await caller.SendSetupAsync("CA" + Guid.NewGuid().ToString("N"), settings.TwilioAccountSid!, cancellationToken: cancellationToken);

            var clientFirst = new List<double>();
            var sw = Stopwatch.StartNew();
            for (var i = 0; i < turns; i++)
            {
                if (i == warmup) { recorder.Clear(); clientFirst.Clear(); sw.Restart(); }
                var sentAt = await caller.SendPromptAsync($"Benchmark question number {i}, what are your hours?", cancellationToken: cancellationToken);
                var reply = await caller.ReadReplyAsync(sentAt, cancellationToken);
                clientFirst.Add(reply.FirstTokenMs);
            }
            sw.Stop();

            await output.WriteLineAsync($"bench relay: {turns - warmup} measured turns after {warmup} warm-up turns, one call, emulator with zero model latency");
            await output.WriteLineAsync($"  server-added (first model delta in -> first text frame out): {LatencyStats.Of(recorder.Values(VoiceAgentMetrics.ServerAddedLatency))}");
            await output.WriteLineAsync($"  socket receive -> first text frame out (incl. model request): {LatencyStats.Of(recorder.Values(VoiceAgentMetrics.ReceiveToFirstToken))}");
            await output.WriteLineAsync($"  model request -> first delta (emulator over loopback HTTP):  {LatencyStats.Of(recorder.Values(VoiceAgentMetrics.ModelTimeToFirstDelta))}");
            await output.WriteLineAsync($"  caller prompt sent -> first text frame received:            {LatencyStats.Of(clientFirst)}");
            await output.WriteLineAsync(FormattableString.Invariant($"  throughput: {(turns - warmup) / sw.Elapsed.TotalSeconds:F1} turns/s"));
            // The session write happens on the background writer after the turn, never between first delta and caller.
            await app.Services.GetRequiredService<Storage.Sessions.SessionWriter>().FlushAsync(cancellationToken);
            await output.WriteLineAsync($"  session store ({(redisUrl is null ? "in process" : "Redis")}) write per snapshot, on the background writer: {LatencyStats.Of(recorder.Values(Storage.Sessions.SessionWriter.WriteDuration))}");
        }
        finally
        {
            await app.StopAsync(CancellationToken.None);
            await app.DisposeAsync();
            Directory.Delete(dataDir, recursive: true);
        }
        return 0;
    }
}
