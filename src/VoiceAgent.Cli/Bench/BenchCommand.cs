using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using VoiceAgent.Cli.CommandLine;
using VoiceAgent.Observability;

namespace VoiceAgent.Cli.Bench;

/// <summary>
/// <c>bench</c>: runs the real server in-process against local emulators and measures the latency our own
/// code adds. Relay scenario: per turn, the server's own histogram of first model delta in → first text frame
/// out (one clock, stamped in the turn runner), plus what the emulated caller sees end to end.
/// </summary>
internal static class BenchCommand
{
    public static async Task<int> RunAsync(BenchOptions options, CliConsole console, CancellationToken cancellationToken)
    {
        var output = console.Output;
        switch (options.Scenario)
        {
            case "media" when options.MediaOutside is { } mediaOutside:
                return await Outside.MediaOutsideBench.RunAsync(mediaOutside, output, console.Error, cancellationToken);
            case "media":
                return await MediaBench.RunAsync(options.Calls ?? [1], options.Turns ?? 10, options.Isolated, console, cancellationToken);
            case "outside":
                return await Outside.OutsideBench.RunAsync(options.Outside ?? throw new InvalidOperationException("bench outside: options missing"), output, console.Error, cancellationToken);
            case "micro":
                return await MicroBench.RunAsync(output, cancellationToken);
            case "stalled":
                return await StalledCallersBench.RunAsync(options.Transport, options.GcMatrix, options.Calls is [var stalled] ? stalled : 50, options.Readers, options.ReplyMegabytes,
                    options.ServerDll, options.ServerEnvironment, output, cancellationToken);
            case "sessions":
                return await SessionsBench.RunAsync(options.RedisUrl, options.Turns, output, cancellationToken);
            case "echo":
                return await EchoBench.RunAsync(options.Rate, options.Verbose, output, options.MinSpeechMs, options.TraceCell, options.NoCanceller);
        }

        var turns = options.Turns ?? 300;
        var warmup = Math.Min(30, turns / 5);
        var redisUrl = options.RedisUrl;
        await using var server = await RelayBenchServer.StartAsync(redisUrl, cancellationToken);
        var app = server.App;
        using var recorder = new MetricRecorder();
        await using var caller = await server.CallAsync(cancellationToken);

        var clientFirst = new List<double>();
        var sw = Stopwatch.StartNew();
        var progress = new ProgressLine(console, "bench relay", turns);
        for (var i = 0; i < turns; i++)
        {
            if (i == warmup) { recorder.Clear(); clientFirst.Clear(); sw.Restart(); }
            var sentAt = await caller.SendPromptAsync($"Benchmark question number {i}, what are your hours?", cancellationToken: cancellationToken);
            var reply = await caller.ReadReplyAsync(sentAt, cancellationToken);
            clientFirst.Add(reply.FirstTokenMs);
            progress.Report(i + 1);
        }
        sw.Stop();
        progress.Complete();

        await output.WriteLineAsync($"bench relay: {turns - warmup} measured turns after {warmup} warm-up turns, one call, emulator with zero model latency");
        await output.WriteLineAsync($"  server-added (first model delta in -> first text frame out): {LatencyStats.Of(recorder.Values(VoiceAgentMetrics.ServerAddedLatency))}");
        await output.WriteLineAsync($"  socket receive -> first text frame out (incl. model request): {LatencyStats.Of(recorder.Values(VoiceAgentMetrics.ReceiveToFirstToken))}");
        await output.WriteLineAsync($"  model request -> first delta (emulator over loopback HTTP):  {LatencyStats.Of(recorder.Values(VoiceAgentMetrics.ModelTimeToFirstDelta))}");
        await output.WriteLineAsync($"  caller prompt sent -> first text frame received:            {LatencyStats.Of(clientFirst)}");
        await output.WriteLineAsync(FormattableString.Invariant($"  throughput: {(turns - warmup) / sw.Elapsed.TotalSeconds:F1} turns/s"));
        // The session write happens on the background writer after the turn, never between first delta and caller.
        await app.Services.GetRequiredService<Storage.Sessions.SessionWriter>().FlushAsync(cancellationToken);
        await output.WriteLineAsync($"  session store ({(redisUrl is null ? "in process" : "Redis")}) write per snapshot, on the background writer: {LatencyStats.Of(recorder.Values(Storage.Sessions.SessionWriter.WriteDuration))}");
        return 0;
    }
}
