using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using VoiceAgent.Observability;
using VoiceAgent.Storage.Sessions;

namespace VoiceAgent.Cli.Bench;

/// <summary>
/// <c>bench --scenario sessions --redis-url redis://127.0.0.1:6379</c>: what the session store costs a turn. The same
/// relay conversation runs twice in one process, first with the in-process store, then with Redis, each on a fresh
/// server against a zero-latency model emulator. Per store it reports the server's own first model delta in → first
/// text frame out (the path the store write must stay off), what the caller sees, and the store's write time: per
/// snapshot, and per turn (the writes the background writer finished between one prompt and the next, summed).
/// </summary>
internal static class SessionsBench
{
    public static async Task<int> RunAsync(string? redisUrl, int? turnsOption, TextWriter output, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(redisUrl))
        {
            await output.WriteLineAsync("bench --scenario sessions compares the in-process store with Redis: pass --redis-url redis://127.0.0.1:6379 (a redis-server you started).");
            return 2;
        }
        var turns = turnsOption ?? 300;
        var warmup = Math.Min(30, turns / 5);
        await output.WriteLineAsync($"bench sessions: {turns - warmup} measured turns per store after {warmup} warm-up turns, one relay call each, model emulator with zero latency");
        var inProcess = await RunStoreAsync(null, turns, warmup, cancellationToken);
        await WriteAsync(output, "in process", inProcess);
        var redis = await RunStoreAsync(redisUrl, turns, warmup, cancellationToken);
        await WriteAsync(output, "Redis", redis);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"  Redis vs in process, median first delta -> first frame: {redis.ServerAdded.Median - inProcess.ServerAdded.Median:+0.000;-0.000} ms; p99: {redis.ServerAdded.P99 - inProcess.ServerAdded.P99:+0.000;-0.000} ms"));
        return 0;
    }

    private static async Task WriteAsync(TextWriter output, string store, StoreRun run)
    {
        await output.WriteLineAsync($"  [{store}]");
        await output.WriteLineAsync($"    first model delta in -> first text frame out (server): {run.ServerAdded}");
        await output.WriteLineAsync($"    caller prompt sent -> first text frame received:      {run.CallerFirst}");
        await output.WriteLineAsync($"    store write per snapshot (background writer):         {run.PerSnapshot}");
        await output.WriteLineAsync($"    store write time per turn (background writer):        {run.PerTurn}");
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"    snapshots written per turn: {run.SnapshotsPerTurn:F2}"));
    }

    private static async Task<StoreRun> RunStoreAsync(string? redisUrl, int turns, int warmup, CancellationToken cancellationToken)
    {
        await using var server = await RelayBenchServer.StartAsync(redisUrl, cancellationToken);
        var app = server.App;
        var store = app.Services.GetRequiredService<ISessionStore>();
        var expected = redisUrl is null ? typeof(InMemorySessionStore) : typeof(RedisSessionStore);
        if (store.GetType() != expected) throw new InvalidOperationException($"The server runs {store.GetType().Name}, not {expected.Name}.");
        await store.PingAsync(cancellationToken); // Redis must answer: a degraded run would measure nothing
        var writer = app.Services.GetRequiredService<SessionWriter>();
        using var recorder = new MetricRecorder();
        await using var caller = await server.CallAsync(cancellationToken);

        var callerFirst = new List<double>();
        var boundaries = new List<int>();
        long writesAtStart = 0;
        for (var i = 0; i < turns; i++)
        {
            if (i == warmup)
            {
                await writer.FlushAsync(cancellationToken); // warm-up writes stay out of the sample
                recorder.Clear();
                callerFirst.Clear();
                writesAtStart = writer.Writes;
            }
            if (i >= warmup) boundaries.Add(recorder.Values(SessionWriter.WriteDuration).Count);
            var sentAt = await caller.SendPromptAsync($"Benchmark question number {i}, what are your hours?", cancellationToken: cancellationToken);
            var reply = await caller.ReadReplyAsync(sentAt, cancellationToken);
            callerFirst.Add(reply.FirstTokenMs);
        }
        await writer.FlushAsync(cancellationToken);
        var writes = recorder.Values(SessionWriter.WriteDuration).ToArray();
        boundaries.Add(writes.Length);
        // Writes finished between one prompt and the next belong to that turn (the writer is sequential, so they are in order).
        var perTurn = Enumerable.Range(0, boundaries.Count - 1).Select(t => writes[boundaries[t]..boundaries[t + 1]].Sum()).ToArray();
        var measured = turns - warmup;
        return new StoreRun(
            LatencyStats.Of(recorder.Values(VoiceAgentMetrics.ServerAddedLatency)),
            LatencyStats.Of(callerFirst),
            LatencyStats.Of(writes),
            LatencyStats.Of(perTurn),
            (writer.Writes - writesAtStart) / (double)measured);
    }

    private sealed record StoreRun(LatencyStats ServerAdded, LatencyStats CallerFirst, LatencyStats PerSnapshot, LatencyStats PerTurn, double SnapshotsPerTurn);
}
