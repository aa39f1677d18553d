using System.Diagnostics;
using System.Globalization;
using VoiceAgent.Emulators.Anthropic;
using VoiceAgent.Emulators.ChatScript;
using VoiceAgent.Emulators.Twilio;

namespace VoiceAgent.Cli.Bench;

/// <summary>
/// <c>bench --scenario stalled</c>: the server in its own process (the built or a published
/// <c>VoiceAgent.Server.dll</c>), a model emulator in this process streaming long replies, and a wave of
/// ConversationRelay callers that ask a question and then never read their socket again. Reports the server's
/// resident memory (VmRSS) before, at the peak of and after the wave, whether the server ended every stalled call,
/// and whether callers who do read kept completing their turns meanwhile (with their first-token latency).
/// </summary>
internal static class StalledCallersBench
{
    private const string AuthToken = "bench-auth-token-0123456789";
    private const string AccountSid = "AC0123456789abcdef0123456789abcdef";

    public static async Task<int> RunAsync(int stalledCount, int readers, int replyMegabytes, string? serverDll,
        IReadOnlyDictionary<string, string> extraEnv, TextWriter output, CancellationToken cancellationToken)
    {

        await using var model = new AnthropicEmulator(new() { ApiKey = "bench", FirstTokenDelay = TimeSpan.Zero, InterTokenDelay = TimeSpan.Zero });
        await model.StartAsync(cancellationToken: cancellationToken);
        var dataDir = Directory.CreateTempSubdirectory("voiceagent-bench-stalled-").FullName;
        var environment = new Dictionary<string, string>
        {
            ["ANTHROPIC_API_KEY"] = "bench",
            ["ANTHROPIC_BASE_URL"] = model.BaseUrl.ToString().TrimEnd('/'),
            ["TWILIO_AUTH_TOKEN"] = AuthToken,
            ["TWILIO_ACCOUNT_SID"] = AccountSid,
            ["PUBLIC_BASE_URL"] = "http://127.0.0.1:8080",
            ["WELCOME_GREETING"] = "",
            ["DATA_DIR"] = dataDir,
        };
        foreach (var (key, value) in extraEnv) environment[key] = value;

        await using var server = await IsolatedServer.StartAsync(environment, cancellationToken, serverDll);
        var socketUrl = new Uri($"ws://{server.Address.Authority}/ws/relay");
        const string signedUrl = "ws://127.0.0.1:8080/ws/relay";
        try
        {
            // Warm up: one reading call, so "before" is a server that has served a call.
            await ReadingCallAsync(socketUrl, signedUrl, 3, null, cancellationToken);
            await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
            var before = server.ResidentMegabytes();

            // The stalled wave: every request they make gets a reply far larger than the socket buffers.
            var chunk = new string('a', 2000) + " ";
            var chunks = Enumerable.Repeat(chunk, replyMegabytes * 1024 * 1024 / chunk.Length).ToArray();
            for (var i = 0; i < stalledCount; i++) model.Enqueue(new ChatReply { TextChunks = chunks, InterTokenDelay = TimeSpan.Zero });
            var firstRequest = model.Requests.Count;

            var peak = before;
            using var sampling = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var sampler = Task.Run(async () =>
            {
                while (!sampling.IsCancellationRequested)
                {
                    peak = Math.Max(peak, server.ResidentMegabytes());
                    try { await Task.Delay(100, sampling.Token); }
                    catch (OperationCanceledException) { break; }
                }
            }, CancellationToken.None);

            var waveClock = Stopwatch.StartNew();
            var stalled = new List<RawWebSocketCaller>();
            for (var i = 0; i < stalledCount; i++)
            {
                var caller = await RawWebSocketCaller.ConnectAsync(server.Address, "/ws/relay", signedUrl, AuthToken, cancellationToken);
                await caller.SendTextAsync(Setup("CA" + Guid.NewGuid().ToString("N")), cancellationToken);
                await caller.SendTextAsync("""{"type":"prompt","voicePrompt":"Tell me everything you know.","lang":"en-US","last":true}""", cancellationToken);
                stalled.Add(caller);
            }
            // Every stalled call has its long reply streaming before the readers start.
            for (var i = 0; i < stalledCount; i++) await model.Requests.WhenReceived(firstRequest + i, cancellationToken).WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);

            var latencies = new List<double>();
            var readerTurns = Enumerable.Range(0, readers).Select(_ => ReadingCallAsync(socketUrl, signedUrl, 5, latencies, cancellationToken)).ToArray();
            var completed = 0;
            foreach (var task in readerTurns)
            {
                try { completed += await task.WaitAsync(TimeSpan.FromSeconds(120), cancellationToken); }
                catch (Exception ex) when (ex is TimeoutException or IOException or System.Net.WebSockets.WebSocketException)
                {
                    await output.WriteLineAsync($"  a reading call failed: {ex.GetType().Name}: {ex.Message}");
                }
            }

            // The server must end every stalled call by itself (send-stall limit); the drain only observes the close.
            var ended = 0;
            foreach (var caller in stalled)
            {
                try
                {
                    await caller.DrainUntilClosedAsync(cancellationToken).WaitAsync(TimeSpan.FromSeconds(120), cancellationToken);
                    ended++;
                }
                catch (TimeoutException)
                {
                    await output.WriteLineAsync("  a stalled call was still open after 120 s");
                }
                await caller.DisposeAsync();
            }
            var waveSeconds = waveClock.Elapsed.TotalSeconds;
            await Task.Delay(TimeSpan.FromSeconds(15), cancellationToken);
            await sampling.CancelAsync();
            await sampler;
            var after = server.ResidentMegabytes();

            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"bench stalled: {stalledCount} ConversationRelay callers stop reading while {replyMegabytes} MB replies stream; {readers} reading callers x 5 turns meanwhile"));
            if (extraEnv.Count > 0) await output.WriteLineAsync("  server environment: " + string.Join(' ', extraEnv.Select(e => $"{e.Key}={e.Value}")));
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  server RSS: before {before:F0} MB, peak {peak:F0} MB, after {after:F0} MB (15 s after the last stalled call closed)"));
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  stalled calls ended by the server: {ended}/{stalledCount} within {waveSeconds:F1} s of the wave's start"));
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  reading calls' turns completed: {completed}/{readers * 5}; caller prompt -> first text frame: {LatencyStats.Of(latencies)}"));
            return ended == stalledCount && completed == readers * 5 ? 0 : 1;
        }
        finally
        {
            await server.DisposeAsync();
            Directory.Delete(dataDir, recursive: true);
        }
    }

    /// <summary>One call that reads everything; returns how many of its turns completed.</summary>
    private static async Task<int> ReadingCallAsync(Uri socketUrl, string signedUrl, int turns, List<double>? latencies, CancellationToken ct)
    {
        await using var caller = await ConversationRelayCaller.ConnectAsync(socketUrl, signedUrl, AuthToken, ct);
        await caller.SendSetupAsync("CA" + Guid.NewGuid().ToString("N"), AccountSid, cancellationToken: ct);
        var done = 0;
        for (var i = 0; i < turns; i++)
        {
            var sentAt = await caller.SendPromptAsync($"Question {i}: what are your opening hours?", cancellationToken: ct);
            var reply = await caller.ReadReplyAsync(sentAt, ct).WaitAsync(TimeSpan.FromSeconds(60), ct);
            if (latencies is not null) lock (latencies) latencies.Add(reply.FirstTokenMs);
            done++;
        }
        return done;
    }

    private static string Setup(string callSid) =>
        $$$"""{"type":"setup","sessionId":"VX1","accountSid":"{{{AccountSid}}}","callSid":"{{{callSid}}}","from":"+15555550100","to":"+15555550199","direction":"inbound","customParameters":{}}""";
}
