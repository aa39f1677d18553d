using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using VoiceAgent.Cli.CommandLine;
using VoiceAgent.Emulators.Twilio.MediaStreams;
using VoiceAgent.Observability;
using VoiceAgent.Server;

namespace VoiceAgent.Cli.Bench;

/// <summary>
/// Media Streams scenario: real-time callers (20 ms frames of voiced audio) against the real server and local
/// Deepgram/ElevenLabs/model emulators. Reports, per concurrency level, speech end (VAD) → first audio frame out,
/// the server's own share of it, outbound frame lateness against real time, and CPU per call. Every level runs twice,
/// without and with speculative replies (<c>SPECULATIVE_REPLIES</c> off, then final), against the same emulated
/// Deepgram (words finalized at a 150 ms pause, endpoint at 300 ms); every fourth utterance has a 200 ms pause in the
/// middle, where a speculation starts and is then discarded when the caller goes on: the extra model requests per turn
/// are what speculation costs.
/// </summary>
internal static class MediaBench
{
    public static async Task<int> RunAsync(int[] levels, int turnsPerCall, bool isolated, CliConsole console, CancellationToken cancellationToken)
    {
        var output = console.Output;
        var progress = new ProgressLine(console, "bench media", levels.Sum());
        var done = 0;
        if (isolated) return await RunIsolatedAsync(levels, turnsPerCall, output, progress, cancellationToken);
        await output.WriteLineAsync($"bench media: {turnsPerCall} turns per call; callers, providers and server share this machine ({Environment.ProcessorCount} cores)");
        foreach (var calls in levels)
        {
            foreach (var speculation in Modes)
            {
                progress.Report(done);
                var result = await RunLevelAsync(calls, turnsPerCall, speculation, cancellationToken);
                progress.Report(done += calls);
                progress.Complete();
                await output.WriteLineAsync(FormattableString.Invariant($"  calls={calls,4} speculation {speculation,-5}: speech end -> first audio {result.SpeechEnd}"));
                await output.WriteLineAsync(FormattableString.Invariant($"              server share              {result.Share}"));
                await output.WriteLineAsync(FormattableString.Invariant($"              frame lateness            {result.Lateness}"));
                await output.WriteLineAsync(FormattableString.Invariant($"              model requests per turn {result.Requests.PerTurn(result.Turns)} ({result.Requests}); speculative: {result.Speculation}"));
                await output.WriteLineAsync(FormattableString.Invariant($"              CPU {result.CpuPercentPerCall:F2} % of one core per call (whole process: server + emulated callers + emulated providers), turns completed {result.Turns}/{calls * turnsPerCall}"));
            }
        }
        return 0;
    }

    /// <summary>
    /// The server in its own process: its CPU per call is read apart from the load generator (callers and emulated
    /// providers stay in this process), and its latency comes from its own per-reply log lines.
    /// </summary>
    private static async Task<int> RunIsolatedAsync(int[] levels, int turns, TextWriter output, ProgressLine progress, CancellationToken cancellationToken)
    {
        var done = 0;
        await output.WriteLineAsync($"bench media (isolated server process): {turns} turns per call, {Environment.ProcessorCount} cores shared with the load generator");
        foreach (var calls in levels)
        foreach (var speculation in Modes)
        {
            var dataDir = Directory.CreateTempSubdirectory("voiceagent-bench-").FullName;
            await using var providers = await BenchProviders.StartAsync(calls * turns * 2, cancellationToken);
            var settings = providers.Settings(dataDir);
            settings["SPECULATIVE_REPLIES"] = speculation;
            await using var server = await IsolatedServer.StartAsync(settings, cancellationToken);
            var credentials = VoiceAgent.Hosting.DevelopmentCredentials.TryLoad(dataDir)
                ?? throw new InvalidOperationException("The server created no development credentials.");
            var cpuBefore = server.CpuTime;
            progress.Report(done);
            var wall = Stopwatch.StartNew();
            var completed = await RunCallsAsync(new Uri($"ws://{server.Address.Authority}/ws/media"), "ws://127.0.0.1:8080/ws/media",
                credentials.AuthToken, credentials.AccountSid, calls, turns, cancellationToken);
            wall.Stop();
            progress.Report(done += calls);
            progress.Complete();
            var cpu = (server.CpuTime - cpuBefore).TotalSeconds;
            await Task.Delay(500, cancellationToken); // let the last log lines arrive
            var replies = server.Replies.ToArray();
            var requests = new ModelRequestCount(providers.ModelRequests.Received, providers.ModelRequests.Aborted);
            await output.WriteLineAsync(FormattableString.Invariant($"  calls={calls,4} speculation {speculation,-5}: speech end -> first audio {LatencyStats.Of(replies.Select(r => r.SpeechEndToAudio).ToArray())}"));
            await output.WriteLineAsync(FormattableString.Invariant($"              server share              {LatencyStats.Of(replies.Select(r => r.ServerShare).ToArray())}"));
            await output.WriteLineAsync(FormattableString.Invariant($"              model requests per turn {requests.PerTurn(completed)} ({requests})"));
            await output.WriteLineAsync(FormattableString.Invariant($"              server CPU {cpu / wall.Elapsed.TotalSeconds * 100:F1} % of one core in all, {cpu / wall.Elapsed.TotalSeconds / calls * 100:F2} % per call; turns completed {completed}/{calls * turns}"));
            await server.DisposeAsync();
            Directory.Delete(dataDir, recursive: true);
        }
        return 0;
    }

    /// <summary>SPECULATIVE_REPLIES values each level runs with: the baseline first.</summary>
    private static readonly string[] Modes = ["off", "final"];

    private static async Task<int> RunCallsAsync(Uri connectUrl, string signedUrl, string? authToken, string accountSid, int calls, int turns, CancellationToken cancellationToken)
    {
        var speech = SyntheticSpeech.MuLaw8k(1200);
        // A caller who pauses mid-sentence (longer than the STT's early final, shorter than its endpoint) and goes on.
        byte[] pausing = [.. SyntheticSpeech.MuLaw8k(600), .. Silence(200), .. SyntheticSpeech.MuLaw8k(600)];
        var completed = await Task.WhenAll(Enumerable.Range(0, calls).Select(async _ =>
        {
            await using var caller = await MediaStreamsCaller.ConnectAsync(connectUrl, signedUrl, authToken,
                new MediaStreamsCallerOptions { AccountSid = accountSid }, cancellationToken);
            var done = 0;
            for (var t = 0; t < turns; t++)
            {
                var before = caller.OutboundMedia.Bytes;
                await caller.PlayAsync(t % 4 == 3 ? pausing : speech, cancellationToken);
                try
                {
                    // The reply is ~2 s of audio; wait for one second of it, then let it finish playing.
                    await caller.WaitForAudioAsync(before + 8000, cancellationToken).WaitAsync(TimeSpan.FromSeconds(15), cancellationToken);
                    done++;
                }
                catch (TimeoutException) { }
                await Task.Delay(TimeSpan.FromSeconds(2.5), cancellationToken);
            }
            return done;
        }));
        return completed.Sum();
    }

    private static byte[] Silence(int milliseconds)
    {
        var bytes = new byte[milliseconds * 8];
        Array.Fill(bytes, (byte)0xFF); // mu-law digital silence
        return bytes;
    }

    private sealed record LevelResult(LatencyStats SpeechEnd, LatencyStats Share, LatencyStats Lateness, double CpuPercentPerCall, int Turns,
        ModelRequestCount Requests, string Speculation);

    /// <summary>Model requests the emulated model received in a run and how many the server aborted (discarded speculations, mostly).</summary>
    private readonly record struct ModelRequestCount(int Received, int Aborted)
    {
        public string PerTurn(int turns) => turns == 0 ? "n/a" : (Received / (double)turns).ToString("F2", System.Globalization.CultureInfo.InvariantCulture);
        public override string ToString() => FormattableString.Invariant($"{Received} received, {Aborted} aborted");
    }

    private static async Task<LevelResult> RunLevelAsync(int calls, int turns, string speculation, CancellationToken cancellationToken)
    {
        var dataDir = Directory.CreateTempSubdirectory("voiceagent-bench-").FullName;
        await using var providers = await BenchProviders.StartAsync(calls * turns * 2, cancellationToken); // speculations that are discarded take replies too
        var config = providers.Settings(dataDir).ToDictionary(p => p.Key, p => (string?)p.Value);
        config["SPECULATIVE_REPLIES"] = speculation;
        config["urls"] = "http://127.0.0.1:0";
        config["Logging:LogLevel:Default"] = "Warning";
        config["Logging:LogLevel:VoiceAgent.Speech.Pipeline"] = Environment.GetEnvironmentVariable("BENCH_VERBOSE") is null ? "Warning" : "Information";
        var app = await VoiceAgentServer.BuildAsync([], config, cancellationToken);
        await app.StartAsync(cancellationToken);
        try
        {
            using var recorder = new MetricRecorder();
            var settings = app.Services.GetRequiredService<VoiceAgent.Hosting.VoiceAgentSettings>();
            var address = app.BoundAddress();
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var wall = Stopwatch.StartNew();
            var completed = await RunCallsAsync(new Uri($"ws://{address.Authority}/ws/media"),
                settings.PublicBaseUrl.Replace("http", "ws", StringComparison.Ordinal) + "/ws/media", settings.TwilioAuthToken, settings.TwilioAccountSid!, calls, turns, cancellationToken);
            wall.Stop();
            var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
            var counted = providers.ModelRequests;
            return new LevelResult(
                LatencyStats.Of(recorder.Values(VoiceAgentMetrics.SpeechEndToFirstAudio)),
                LatencyStats.Of(recorder.Values(VoiceAgentMetrics.AudioServerShare)),
                LatencyStats.Of(recorder.Values(VoiceAgentMetrics.PlayoutLateness)),
                cpu / wall.Elapsed.TotalSeconds / calls * 100,
                completed,
                new ModelRequestCount(counted.Received, counted.Aborted),
                FormattableString.Invariant($"{recorder.Count(VoiceAgentMetrics.SpeculativeRequests, VoiceAgentMetrics.SpeculationStarted)} started, {recorder.Count(VoiceAgentMetrics.SpeculativeRequests, VoiceAgentMetrics.SpeculationUsed)} used, {recorder.Count(VoiceAgentMetrics.SpeculativeRequests, VoiceAgentMetrics.SpeculationDiscarded)} discarded"));
        }
        finally
        {
            await app.StopAsync(CancellationToken.None);
            await app.DisposeAsync();
            Directory.Delete(dataDir, recursive: true);
        }
    }
}
