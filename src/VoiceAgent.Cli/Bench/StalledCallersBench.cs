using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using VoiceAgent.Emulators.Anthropic;
using VoiceAgent.Emulators.ChatScript;
using VoiceAgent.Emulators.Twilio;
using VoiceAgent.Emulators.Twilio.MediaStreams;
using VoiceAgent.Emulators.Vonage;

namespace VoiceAgent.Cli.Bench;

/// <summary>
/// <c>bench --scenario stalled</c>: the server in its own process (the built or a published
/// <c>VoiceAgent.Server.dll</c>), provider emulators in this process, and a wave of callers on one transport
/// (<c>--transport relay|media|vonage</c>) that start a long reply (relay: a model reply as long as the server's
/// max_tokens allows, which the stand-in honours as the API does; audio: a
/// minutes-long opening line) and then never read their socket again; the audio ones keep sending a frame a second,
/// as a live carrier does. The wave runs twice on the same server; its memory (resident, split into anonymous and
/// file-backed pages, beside the runtime's GC heap, committed and fragmented figures) is reported before, at each
/// wave's peak, after each wave has been hung up and settled, and after 30 s more idle; also whether the server ended
/// every stalled call, and the turn latency of callers who keep reading during the first wave. <c>--gc-matrix</c> runs the wave once per GC configuration (server environment variables) and prints a
/// table.
/// </summary>
internal static class StalledCallersBench
{
    private const string AuthToken = "bench-auth-token-0123456789";
    private const string AccountSid = "AC0123456789abcdef0123456789abcdef";
    private const string VonageSecret = "bench-vonage-signature-secret-0123456789";
    private const string MetricsToken = "bench-metrics-token-0123456789";
    private const int ReaderTurns = 5;
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(15);

    /// <summary>The GC configurations <c>--gc-matrix</c> compares (runtime environment variables of the server process).</summary>
    private static readonly (string Name, Dictionary<string, string> Environment)[] GcConfigurations =
    [
        // Each row states every knob it compares (environment variables override the server's runtimeconfig), so a
        // row means the same whatever the shipped defaults are; the first row is what the server ships with.
        ("as shipped (runtimeconfig)", new()),
        ("workstation concurrent", new() { ["DOTNET_gcServer"] = "0", ["DOTNET_gcConcurrent"] = "1", ["DOTNET_GCConserveMemory"] = "0" }),
        ("workstation non-concurrent", new() { ["DOTNET_gcServer"] = "0", ["DOTNET_gcConcurrent"] = "0", ["DOTNET_GCConserveMemory"] = "0" }),
        ("server concurrent", new() { ["DOTNET_gcServer"] = "1", ["DOTNET_gcConcurrent"] = "1", ["DOTNET_GCConserveMemory"] = "0" }),
        ("server, GCConserveMemory=7", new() { ["DOTNET_gcServer"] = "1", ["DOTNET_gcConcurrent"] = "1", ["DOTNET_GCConserveMemory"] = "7" }),
        ("workstation, GCConserveMemory=7", new() { ["DOTNET_gcServer"] = "0", ["DOTNET_gcConcurrent"] = "1", ["DOTNET_GCConserveMemory"] = "7" }),
        ("workstation, heap limit 256 MB", new() { ["DOTNET_gcServer"] = "0", ["DOTNET_gcConcurrent"] = "1", ["DOTNET_GCConserveMemory"] = "0", ["DOTNET_GCHeapHardLimit"] = "0x10000000" }),
    ];

    /// <summary>After the second wave has settled, the server sits idle this long more before the last sample.</summary>
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(30);

    /// <summary>Memory at each phase (before, the two waves' peaks, after each, idle), the stalled calls the server ended, the reading turns of wave 1.</summary>
    private sealed record WaveResult(List<(string Phase, ServerMemory Memory)> Phases, int Ended, int Stalled, int Completed, int Expected, List<double> Latencies, double Seconds)
    {
        public ServerMemory At(int phase) => phase < Phases.Count ? Phases[phase].Memory : default;
        public double PeakMb => Math.Max(At(1).RssMb, At(3).RssMb);
    }

    public static async Task<int> RunAsync(string transport, bool gcMatrix, int stalledCount, int readers, int replyMegabytes, string? serverDll,
        IReadOnlyDictionary<string, string> extraEnv, TextWriter output, CancellationToken cancellationToken)
    {
        var configurations = gcMatrix ? GcConfigurations : [("as configured", new Dictionary<string, string>())];
        var what = transport == "relay" ? $"model replies of up to {ReplyMaxTokens} tokens (ANTHROPIC_MAX_TOKENS; the stand-in's script is {replyMegabytes} MB)" : "a minutes-long opening line";
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"bench stalled: {stalledCount} {transport} callers stop reading while {what} stream; {readers} reading callers x {ReaderTurns} turns meanwhile"));
        if (extraEnv.Count > 0) await output.WriteLineAsync("  server environment: " + string.Join(' ', extraEnv.Select(e => $"{e.Key}={e.Value}")));
        var ok = true;
        var rows = new List<(string Name, WaveResult Result)>();
        foreach (var (name, gcEnv) in configurations)
        {
            var environment = new Dictionary<string, string>(extraEnv);
            foreach (var (key, value) in gcEnv) environment[key] = value;
            WaveResult result;
            try
            {
                result = await RunWaveAsync(transport, stalledCount, readers, replyMegabytes, serverDll, environment, output, cancellationToken);
            }
            catch (Exception ex) when (gcMatrix && ex is InvalidOperationException or TimeoutException or IOException or System.Net.WebSockets.WebSocketException or HttpRequestException)
            {
                // One configuration that fails (a server that would not start, say) is a row that says so, not the end of the matrix.
                await output.WriteLineAsync($"  {name}: the wave failed: {ex.GetType().Name}: {ex.Message}");
                ok = false;
                rows.Add((name, new WaveResult([], 0, 2 * stalledCount, 0, readers * ReaderTurns, [], 0)));
                continue;
            }
            rows.Add((name, result));
            ok &= result.Ended == result.Stalled && result.Completed == result.Expected;
            if (!gcMatrix)
            {
                await output.WriteLineAsync(ServerMemory.Header);
                foreach (var (phase, memory) in result.Phases) await output.WriteLineAsync(memory.Row(phase));
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  stalled calls ended by the server: {result.Ended}/{result.Stalled} (two waves; wave 1 took {result.Seconds:F1} s)"));
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  reading calls' turns completed: {result.Completed}/{result.Expected}; turn latency: {LatencyStats.Of(result.Latencies)}"));
            }
        }
        if (gcMatrix)
        {
            await output.WriteLineAsync("  GC configuration                  RSS before peak1  after1 peak2  after2  idle   heap  committed native ended    turns   turn p50   turn p99");
            foreach (var (name, r) in rows)
            {
                var sorted = r.Latencies.Order().ToArray();
                var idle = r.At(5);
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"  {name,-33} {r.At(0).RssMb,7:F0} MB {r.At(1).RssMb,5:F0} {r.At(2).RssMb,6:F0} {r.At(3).RssMb,5:F0} {r.At(4).RssMb,6:F0} {idle.RssMb,5:F0} {idle.HeapMb,6:F0} {idle.CommittedMb,10:F0} {idle.NativeMb,6:F0} {r.Ended,3}/{r.Stalled,-4} {r.Completed,3}/{r.Expected,-3} {Percentile(sorted, 0.5),7:F0} ms {Percentile(sorted, 0.99),7:F0} ms"));
            }
        }
        return ok ? 0 : 1;
    }

    /// <summary>
    /// The managed heap after the last GC (all generations), the memory the GC has committed, and how many gen2
    /// collections ran, from the server's Prometheus endpoint; NaN for what is not exported.
    /// </summary>
    private static async Task<(double Heap, double Committed, double Fragmented)> ScrapeGcAsync(HttpClient http, Uri server, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(server, "/metrics"));
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", MetricsToken);
        string text;
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            if (!response.IsSuccessStatusCode) return (double.NaN, double.NaN, double.NaN);
            text = await response.Content.ReadAsStringAsync(cancellationToken);
        }
        catch (HttpRequestException) { return (double.NaN, double.NaN, double.NaN); }
        double heap = double.NaN, committed = double.NaN, fragmented = double.NaN;
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#') continue;
            var space = line.LastIndexOf(' ');
            if (space < 0 || !double.TryParse(line[(space + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var value)) continue;
            var name = line.Split('{', ' ')[0];
            if (name is "dotnet_gc_last_collection_heap_size_bytes" or "process_runtime_dotnet_gc_heap_size_bytes")
                heap = (double.IsNaN(heap) ? 0 : heap) + value / (1024 * 1024);
            else if (name is "dotnet_gc_last_collection_memory_committed_size_bytes" or "process_runtime_dotnet_gc_committed_memory_size_bytes")
                committed = (double.IsNaN(committed) ? 0 : committed) + value / (1024 * 1024);
            else if (name is "dotnet_gc_last_collection_heap_fragmentation_size_bytes" or "process_runtime_dotnet_gc_heap_fragmentation_size_bytes")
                fragmented = (double.IsNaN(fragmented) ? 0 : fragmented) + value / (1024 * 1024);
        }
        return (heap, committed, fragmented);
    }

    private static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    private static async Task<WaveResult> RunWaveAsync(string transport, int stalledCount, int readers, int replyMegabytes, string? serverDll,
        Dictionary<string, string> extraEnv, TextWriter output, CancellationToken cancellationToken)
    {
        await using var relayModel = new AnthropicEmulator(new() { ApiKey = "bench", FirstTokenDelay = TimeSpan.Zero, InterTokenDelay = TimeSpan.Zero });
        await using var providers = transport == "relay" ? null : await BenchProviders.StartAsync(readers * ReaderTurns + 1, cancellationToken);
        var dataDir = Directory.CreateTempSubdirectory("voiceagent-bench-stalled-").FullName;
        Dictionary<string, string> environment;
        if (providers is null)
        {
            await relayModel.StartAsync(cancellationToken: cancellationToken);
            environment = new()
            {
                ["ANTHROPIC_API_KEY"] = "bench",
                ["ANTHROPIC_BASE_URL"] = relayModel.BaseUrl.ToString().TrimEnd('/'),
                ["DATA_DIR"] = dataDir,
                ["WELCOME_GREETING"] = "",
                // The longest reply the server may ask for: the stand-in honours max_tokens, so this is what makes
                // each stuck call's reply long enough to fill its output budget and socket buffers.
                ["ANTHROPIC_MAX_TOKENS"] = ReplyMaxTokens.ToString(CultureInfo.InvariantCulture),
            };
        }
        else environment = providers.Settings(dataDir);
        environment["TWILIO_AUTH_TOKEN"] = AuthToken;
        environment["TWILIO_ACCOUNT_SID"] = AccountSid;
        environment["PUBLIC_BASE_URL"] = "http://127.0.0.1:8080";
        environment["VONAGE_SIGNATURE_SECRET"] = VonageSecret;
        // The reading callers' first turn on a cold, loaded server can hold the read loop past the 5 s idle limit
        // (seen as "ending the call: Idle" on the warm-up call); the idle limit is not what this bench measures.
        environment["CARRIER_IDLE_TIMEOUT_MS"] = "30000";
        environment["PROMETHEUS_METRICS"] = "true"; // the managed heap beside RSS: what the GC holds vs what the process keeps
        environment["METRICS_TOKEN"] = MetricsToken;
        environment["Logging__LogLevel__VoiceAgent.Hosting.Memory.MemoryReclaimer"] = "Information"; // when a wave's memory was given back
        foreach (var (key, value) in extraEnv) environment[key] = value;

        await using var server = await IsolatedServer.StartAsync(environment, cancellationToken, serverDll);
        using var http = new HttpClient();
        var vonage = new VonageWebhookClient(http, server.Address, VonageSecret);
        try
        {
            // Warm up: one reading call, so "before" is a server that has served a call.
            try
            {
                await ReadingCallAsync(transport, server.Address, vonage, 1, null, cancellationToken).WaitAsync(TimeSpan.FromSeconds(90), cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                throw new InvalidOperationException($"The warm-up call failed ({ex.GetType().Name}: {ex.Message}); the server said:{Environment.NewLine}{string.Join(Environment.NewLine, server.OutputTail)}", ex);
            }
            await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
            var phases = new List<(string Phase, ServerMemory Memory)> { ("before (after one call)", await MemoryAsync(server, http, cancellationToken)) };

            var first = await StallWaveAsync(transport, stalledCount, readers, replyMegabytes, server, relayModel, providers is null, vonage, http, output, cancellationToken);
            phases.Add(("peak of wave 1", first.Peak));
            await Task.Delay(Settle, cancellationToken);
            phases.Add(($"{Settle.TotalSeconds:F0} s after wave 1 hung up", await MemoryAsync(server, http, cancellationToken)));

            // The same wave again on a server that has been through one: memory must be reused, not grow again.
            var second = await StallWaveAsync(transport, stalledCount, 0, replyMegabytes, server, relayModel, providers is null, vonage, http, output, cancellationToken);
            phases.Add(("peak of wave 2", second.Peak));
            await Task.Delay(Settle, cancellationToken);
            phases.Add(($"{Settle.TotalSeconds:F0} s after wave 2 hung up", await MemoryAsync(server, http, cancellationToken)));
            await Task.Delay(Idle, cancellationToken);
            phases.Add(($"{(Settle + Idle).TotalSeconds:F0} s after (idle)", await MemoryAsync(server, http, cancellationToken)));
            foreach (var line in server.LinesAbout("A wave of calls ended")) await output.WriteLineAsync("  server: " + line);
            return new WaveResult(phases, first.Ended + second.Ended, 2 * stalledCount, first.Completed, readers * ReaderTurns, first.Latencies, first.Seconds);
        }
        finally
        {
            await server.DisposeAsync();
            Directory.Delete(dataDir, recursive: true);
        }
    }

    private static async Task<ServerMemory> MemoryAsync(IsolatedServer server, HttpClient http, CancellationToken cancellationToken)
        => ServerMemory.Read(server.ProcessId, await ScrapeGcAsync(http, server.Address, cancellationToken));

    private sealed record StallWave(ServerMemory Peak, int Ended, int Completed, List<double> Latencies, double Seconds);

    /// <summary>
    /// One wave: <paramref name="stalledCount"/> callers start a long reply and stop reading, <paramref name="readers"/>
    /// callers take their turns meanwhile; returns once the server has closed every stalled call (or 120 s passed
    /// for one) and the callers hung up. The peak is the sample with the highest RSS, taken every 100 ms.
    /// </summary>
    private static async Task<StallWave> StallWaveAsync(string transport, int stalledCount, int readers, int replyMegabytes, IsolatedServer server,
        AnthropicEmulator relayModel, bool relay, VonageWebhookClient vonage, HttpClient http, TextWriter output, CancellationToken cancellationToken)
    {
            if (relay)
            {
                // The stand-in's script is word-sized tokens (one delta each, as the emulator counts them); it stops at
                // the request's max_tokens with stop_reason "max_tokens", as the API does, so the reply is as long as
                // the server asks for (ANTHROPIC_MAX_TOKENS, set to its maximum for this bench).
                var chunks = LongScript(replyMegabytes);
                for (var i = 0; i < stalledCount; i++) relayModel.Enqueue(new ChatReply { TextChunks = chunks, InterTokenDelay = TimeSpan.Zero });
            }
            var firstRequest = relayModel.Requests.Count;

            var peak = ServerMemory.Read(server.ProcessId, (double.NaN, double.NaN, double.NaN));
            using var sampling = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var sampler = Task.Run(async () =>
            {
                while (!sampling.IsCancellationRequested)
                {
                    var now = ServerMemory.Read(server.ProcessId, (double.NaN, double.NaN, double.NaN));
                    if (!(now.RssMb <= peak.RssMb)) peak = now;
                    try { await Task.Delay(100, sampling.Token); }
                    catch (OperationCanceledException) { break; }
                }
            }, CancellationToken.None);

            var waveClock = Stopwatch.StartNew();
            var stalled = new List<RawWebSocketCaller>();
            var stalledIds = new List<string>();
            using var stopFrames = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var keepAlive = new List<Task>();
            for (var i = 0; i < stalledCount; i++)
            {
                var (caller, callId, frame) = await StalledCallAsync(transport, server.Address, vonage, i, cancellationToken);
                stalled.Add(caller);
                stalledIds.Add(callId);
                if (frame is not null) keepAlive.Add(SendEverySecondAsync(caller, frame, stopFrames.Token));
            }
            // Relay: every stalled call has its long reply streaming before the readers start.
            if (relay)
                for (var i = 0; i < stalledCount; i++) await relayModel.Requests.WhenReceived(firstRequest + i, cancellationToken).WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);

            var latencies = new List<double>();
            var readerTurns = Enumerable.Range(0, readers).Select(_ => ReadingCallAsync(transport, server.Address, vonage, ReaderTurns, latencies, cancellationToken)).ToArray();
            var completed = 0;
            foreach (var task in readerTurns)
            {
                try { completed += await task.WaitAsync(TimeSpan.FromSeconds(180), cancellationToken); }
                catch (Exception ex) when (ex is TimeoutException or IOException or InvalidOperationException or System.Net.WebSockets.WebSocketException)
                {
                    await output.WriteLineAsync($"  a reading call failed: {ex.GetType().Name}: {ex.Message}");
                    foreach (var line in server.OutputTail.TakeLast(10)) await output.WriteLineAsync("    server: " + line);
                }
            }

            // The server must end every stalled call by itself (send stall). The callers go on not reading until the
            // server counts no live call (its own gauge), up to 120 s: draining one before then would make it a reading
            // caller that is never stalled (it would hear the whole minutes-long opening line). The drain only observes
            // the close; a call the server has ended closes as soon as its buffered bytes are read.
            if (await WaitForNoLiveCallAsync(http, server.Address, TimeSpan.FromSeconds(120), cancellationToken) is { } left)
                await output.WriteLineAsync(double.IsNaN(left) ? "  (the server exports no voiceagent_calls_active: draining at once)" : $"  the server still counted {left} live calls after 120 s");
            var ended = 0;
            for (var i = 0; i < stalled.Count; i++)
            {
                try
                {
                    await stalled[i].DrainUntilClosedAsync(cancellationToken).WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
                    ended++;
                }
                catch (TimeoutException)
                {
                    await output.WriteLineAsync($"  stalled call {i} ({stalledIds[i]}) was not ended by the server; its lines in the server's log:");
                    foreach (var line in server.LinesAbout(stalledIds[i])) await output.WriteLineAsync("    server: " + line);
                }
            }
            await stopFrames.CancelAsync();
            await Task.WhenAll(keepAlive);
            foreach (var caller in stalled) await caller.DisposeAsync();
            var waveSeconds = waveClock.Elapsed.TotalSeconds;
            await sampling.CancelAsync();
            await sampler;
            return new StallWave(peak, ended, completed, latencies, waveSeconds);
    }

    /// <summary>The server's output cap for the relay wave (the largest ANTHROPIC_MAX_TOKENS it accepts).</summary>
    private const int ReplyMaxTokens = 8192;

    /// <summary>
    /// What the stand-in would say if nothing stopped it: about <paramref name="megabytes"/> MB of sentences, one word
    /// (and its space) per token; the server's max_tokens cuts it to <see cref="ReplyMaxTokens"/> tokens (~50 KB of text,
    /// ~400 KB of relay frames: far past a stuck caller's output budget and socket buffers).
    /// </summary>
    private static string[] LongScript(int megabytes)
    {
        var words = "Here is one more detail about everything we know, which nobody on this line is reading anymore.".Split(' ').Select(w => w + " ").ToArray();
        var perSentence = words.Sum(w => w.Length);
        var sentences = Math.Max(1, megabytes * 1024 * 1024 / perSentence);
        var script = new string[sentences * words.Length];
        for (var i = 0; i < script.Length; i++) script[i] = words[i % words.Length];
        return script;
    }

    /// <summary>
    /// Waits (polling the server's <c>voiceagent.calls.active</c> gauge every 250 ms, up to <paramref name="bound"/>)
    /// until the server serves no call. Returns null then; else the calls still live when the bound passed, or NaN at
    /// once when the gauge is not exported.
    /// </summary>
    private static async Task<double?> WaitForNoLiveCallAsync(HttpClient http, Uri server, TimeSpan bound, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var live = await ScrapeSumAsync(http, server, "voiceagent_calls_active", cancellationToken);
            if (double.IsNaN(live) || (live > 0 && clock.Elapsed >= bound)) return live;
            if (live <= 0) return null;
            await Task.Delay(250, cancellationToken);
        }
    }

    /// <summary>The sum of one metric's series on the server's Prometheus endpoint; NaN when it is not exported.</summary>
    private static async Task<double> ScrapeSumAsync(HttpClient http, Uri server, string metric, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(server, "/metrics"));
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", MetricsToken);
        string text;
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            if (!response.IsSuccessStatusCode) return double.NaN;
            text = await response.Content.ReadAsStringAsync(cancellationToken);
        }
        catch (HttpRequestException) { return double.NaN; }
        var sum = double.NaN;
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#' || line.Split('{', ' ')[0] != metric) continue;
            var space = line.LastIndexOf(' ');
            if (space > 0 && double.TryParse(line[(space + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                sum = (double.IsNaN(sum) ? 0 : sum) + value;
        }
        return sum;
    }

    /// <summary>
    /// Opens a call that starts a long reply and never reads; returns its call id (the carrier's call SID or UUID, as the
    /// server logs it) and the frame it keeps sending (audio transports) or null.
    /// </summary>
    private static async Task<(RawWebSocketCaller Caller, string CallId, byte[]? Frame)> StalledCallAsync(string transport, Uri server, VonageWebhookClient vonage, int index, CancellationToken ct)
    {
        var opening = string.Join(' ', Enumerable.Range(1, 150).Select(i => $"This is sentence {i} of a very long opening line that nobody will hear."));
        switch (transport)
        {
            case "relay":
            {
                var caller = await RawWebSocketCaller.ConnectAsync(server, "/ws/relay", "ws://127.0.0.1:8080/ws/relay", AuthToken, ct);
                var callSid = "CA" + Guid.NewGuid().ToString("N");
                await caller.SendTextAsync($$$"""{"type":"setup","sessionId":"VX1","accountSid":"{{{AccountSid}}}","callSid":"{{{callSid}}}","from":"+15555550100","to":"+15555550199","direction":"inbound","customParameters":{}}""", ct);
                await caller.SendTextAsync("""{"type":"prompt","voicePrompt":"Tell me everything you know.","lang":"en-US","last":true}""", ct);
                return (caller, callSid, null);
            }
            case "media":
            {
                var caller = await RawWebSocketCaller.ConnectAsync(server, "/ws/media", "ws://127.0.0.1:8080/ws/media", AuthToken, ct);
                var callSid = "CA" + Guid.NewGuid().ToString("N");
                var start = new JsonObject
                {
                    ["event"] = "start", ["sequenceNumber"] = "1", ["streamSid"] = "MZstalled" + index,
                    ["start"] = new JsonObject
                    {
                        ["streamSid"] = "MZstalled" + index, ["accountSid"] = AccountSid, ["callSid"] = callSid,
                        ["tracks"] = new JsonArray("inbound"), ["customParameters"] = new JsonObject { ["va_opening"] = opening },
                        ["mediaFormat"] = new JsonObject { ["encoding"] = "audio/x-mulaw", ["sampleRate"] = 8000, ["channels"] = 1 },
                    },
                };
                await caller.SendTextAsync("""{"event":"connected","protocol":"Call","version":"1.0.0"}""", ct);
                await caller.SendTextAsync(start.ToJsonString(), ct);
                var silence = Convert.ToBase64String(Enumerable.Repeat((byte)0xFF, 160).ToArray());
                return (caller, callSid, System.Text.Encoding.UTF8.GetBytes($$$"""{"event":"media","streamSid":"MZstalled{{{index}}}","media":{"track":"inbound","payload":"{{{silence}}}"}}"""));
            }
            default:
            {
                var uuid = Guid.NewGuid().ToString();
                var answer = await vonage.AnswerAsync(uuid, from: "447700900123", to: "447700900000", ct);
                var connected = new JsonObject { ["event"] = "websocket:connected", ["content-type"] = answer.ContentType, ["va_opening"] = opening };
                foreach (var (name, value) in answer.Headers) connected[name] = value?.DeepClone();
                var caller = await RawWebSocketCaller.ConnectAsync(server, "/ws/vonage", "ws://127.0.0.1:8080/ws/vonage", AuthToken, ct);
                await caller.SendTextAsync(connected.ToJsonString(), ct);
                return (caller, uuid, new byte[640]);
            }
        }
    }

    /// <summary>A live carrier keeps sending media even when it no longer reads: one frame a second keeps the idle limit away.</summary>
    private static async Task SendEverySecondAsync(RawWebSocketCaller caller, byte[] frame, CancellationToken ct)
    {
        var text = frame.Length != 640;
        try
        {
            for (var i = 0; i < 600 && !ct.IsCancellationRequested; i++)
            {
                if (text) await caller.SendTextAsync(System.Text.Encoding.UTF8.GetString(frame), ct);
                else await caller.SendBinaryAsync(frame, ct);
                await Task.Delay(TimeSpan.FromSeconds(1), ct);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // The server ended the call (or the wave is over): nothing more to send.
        }
    }

    /// <summary>One call that reads everything; returns how many of its turns completed and records each turn's latency.</summary>
    private static async Task<int> ReadingCallAsync(string transport, Uri server, VonageWebhookClient vonage, int turns, List<double>? latencies, CancellationToken ct)
    {
        var done = 0;
        switch (transport)
        {
            case "relay":
            {
                await using var caller = await ConversationRelayCaller.ConnectAsync(new Uri($"ws://{server.Authority}/ws/relay"), "ws://127.0.0.1:8080/ws/relay", AuthToken, ct);
                await caller.SendSetupAsync("CA" + Guid.NewGuid().ToString("N"), AccountSid, cancellationToken: ct);
                for (var i = 0; i < turns; i++)
                {
                    var sentAt = await caller.SendPromptAsync($"Question {i}: what are your opening hours?", cancellationToken: ct);
                    var reply = await caller.ReadReplyAsync(sentAt, ct).WaitAsync(TimeSpan.FromSeconds(60), ct);
                    if (latencies is not null) lock (latencies) latencies.Add(reply.FirstTokenMs); // prompt -> first text frame
                    done++;
                }
                return done;
            }
            case "media":
            {
                await using var caller = await MediaStreamsCaller.ConnectAsync(new Uri($"ws://{server.Authority}/ws/media"), "ws://127.0.0.1:8080/ws/media", AuthToken,
                    new MediaStreamsCallerOptions { AccountSid = AccountSid }, ct);
                var speech = SyntheticSpeech.MuLaw8k(1200);
                for (var i = 0; i < turns; i++)
                {
                    var before = caller.OutboundMedia.Bytes;
                    await caller.PlayAsync(speech, ct);
                    var spoken = Stopwatch.StartNew(); // PlayAsync returns once the last frame is sent
                    await caller.WaitForAudioAsync(before + 1, ct).WaitAsync(TimeSpan.FromSeconds(30), ct);
                    if (latencies is not null) lock (latencies) latencies.Add(spoken.Elapsed.TotalMilliseconds); // speech end (the last frame sent) -> first reply audio
                    await caller.WaitForAudioAsync(before + 8000, ct).WaitAsync(TimeSpan.FromSeconds(30), ct);
                    await Task.Delay(TimeSpan.FromSeconds(2.5), ct); // let the reply finish playing
                    done++;
                }
                return done;
            }
            default:
            {
                var answer = await vonage.AnswerAsync(Guid.NewGuid().ToString(), from: "447700900123", to: "447700900000", ct);
                await using var caller = await VonageCaller.ConnectAsync(new Uri($"ws://{server.Authority}/ws/vonage"), answer.ToCallerOptions(), ct);
                var speech = SyntheticSpeech.Pcm16k(1200);
                for (var i = 0; i < turns; i++)
                {
                    var before = caller.OutboundAudio.Bytes;
                    await caller.PlayAsync(speech, ct);
                    var spoken = Stopwatch.StartNew();
                    await caller.WaitForAudioAsync(before + 1, ct).WaitAsync(TimeSpan.FromSeconds(30), ct);
                    if (latencies is not null) lock (latencies) latencies.Add(spoken.Elapsed.TotalMilliseconds);
                    await caller.WaitForAudioAsync(before + 32_000, ct).WaitAsync(TimeSpan.FromSeconds(30), ct);
                    await Task.Delay(TimeSpan.FromSeconds(2.5), ct);
                    done++;
                }
                return done;
            }
        }
    }
}
