using System.CommandLine;
using VoiceAgent.Cli.CommandLine;

namespace VoiceAgent.Cli.Bench;

/// <summary>What <c>voiceagent bench</c> was given; null means the scenario's default.</summary>
internal sealed record BenchOptions
{
    public string Scenario { get; init; } = "relay";
    public int? Turns { get; init; }
    public int[]? Calls { get; init; }
    /// <summary>--scenario outside: its parsed options.</summary>
    public Outside.OutsideBenchOptions? Outside { get; init; }
    /// <summary>--scenario media --outside: its parsed options.</summary>
    public Outside.MediaOutsideOptions? MediaOutside { get; init; }
    public bool Isolated { get; init; }
    public string? RedisUrl { get; init; }
    public int Rate { get; init; } = 8000;
    public bool Verbose { get; init; }
    public int? MinSpeechMs { get; init; }
    public int? TraceCell { get; init; }
    public bool NoCanceller { get; init; }
    public int Readers { get; init; } = 4;
    public int ReplyMegabytes { get; init; } = 4;
    public string? ServerDll { get; init; }
    public IReadOnlyDictionary<string, string> ServerEnvironment { get; init; } = new Dictionary<string, string>();
    public string Transport { get; init; } = "relay";
    public bool GcMatrix { get; init; }
}

/// <summary>
/// <c>voiceagent bench</c>: its options, their validation and help. An option that the chosen scenario does not
/// use is an error rather than silently ignored.
/// </summary>
internal static class BenchCommandLine
{
    private static readonly string[] OutsideOnly = ["outside"];
    private static readonly string[] OutsideAndMedia = ["outside", "media"];
    /// <summary>The outside bench's server options that <c>--scenario media --outside</c> also takes.</summary>
    private static readonly string[] MediaOutsideNames = ["--server-dir", "--source", "--baseline-dir", "--baseline-ref", "--calls-per-second", "--scratch", "--server-log"];

    public static Command Create(CliConsole console)
    {
        var scenario = new Option<string>("--scenario")
        {
            Description = "relay: server-added latency on ConversationRelay; media: real-time Media Streams callers; micro: µs and bytes per "
                + "audio frame; echo: the speakerphone echo matrix; stalled: server memory under callers that stop reading; sessions: Redis vs in-process session store write time per turn.",
            DefaultValueFactory = _ => "relay",
            HelpName = "name",
        };
        scenario.AcceptOnlyFromAmong("relay", "media", "micro", "echo", "stalled", "sessions", "outside");
        // outside: the server as its own published process, measured from the callers' side (docs/latency.md, "Measured from outside").
        var outsideNames = new (string Name, string Help)[]
        {
            ("--server-url", "a running ConversationRelay server to measure instead of publishing this tree"), ("--server-pid", "its process id (CPU, RSS, allocations)"),
            ("--server-dir", "a published server folder to start"), ("--source", "the source tree to publish (default: this one)"),
            ("--baseline-url", "a running baseline server"), ("--baseline-pid", "its process id"), ("--baseline-dir", "a published baseline folder"),
            ("--baseline-ref", "a git ref of this repository to publish and run side by side (e.g. main)"),
            ("--levels", "concurrent calls per level (default 50,200,500,1000)"), ("--turns-per-call", "default 5"), ("--turn-gap-ms", "default 1000"),
            ("--calls-per-second", "call set-up rate (default 100; media --outside: 50)"), ("--first-token-ms", "model stand-in: time to first token (default 300)"),
            ("--tokens", "model stand-in: tokens per reply (default 40)"), ("--token-gap-ms", "model stand-in: gap between tokens (default 15)"),
            ("--model", "anthropic or openai (default anthropic)"), ("--model-port", "the stand-in's port (needed with --server-url/--baseline-url)"),
            ("--auth-token", "Twilio auth token the servers sign with"), ("--account-sid", "Twilio AccountSid"), ("--public-base-url", "the servers' PUBLIC_BASE_URL"),
            ("--json", "write the results as JSON to this file"), ("--scratch", "where published builds are cached"),
            ("--server-log", "append the launched candidate server's JSON log (LOG_FORMAT=json) to this file, for voiceagent analyze"),
            ("--model-http", "HTTP versions from the launched servers to the model stand-in, each run in turn at every level, e.g. 1.1,2 (sets MODEL_HTTP_VERSION; 2 is h2c; default: the server's own default)"),
            ("--alloc-top", "also sample the runtime's allocation ticks and list the N types that allocate most per turn (default 0: off; adds tracing cost to the server)"),
        };
        var outsideOptions = outsideNames.Select(o => OptionValues.Text(o.Name, "outside: " + o.Help + ".", "value")).ToArray();
        var turns = OptionValues.OptionalInteger("--turns", "Turns to measure (relay: per run, default 300; media: per call, default 10).", 1);
        var calls = new Option<int[]?>("--calls") { Description = "media: concurrent callers per level, e.g. 1,10,40 (default 1); stalled: callers that stop reading (default 50).", HelpName = "n[,n…]" };
        calls.CustomParser = OptionValues.IntegerList("--calls", "", 1, []).CustomParser;
        var isolated = OptionValues.Switch("--isolated", "media: run the server in its own process and read its CPU apart from the load generator.");
        var mediaOutside = OptionValues.Switch("--outside",
            "media: a published Release server in its own process (this tree, --source or --server-dir; --baseline-ref/--baseline-dir side by side), measured at the callers: underruns, frame delay variation, onset -> clear, server CPU.");
        var redisUrl = OptionValues.Text("--redis-url", "relay: use the Redis session store at this URL (e.g. redis://127.0.0.1:6379) and time its writes.", "url");
        var rate = OptionValues.Integer("--rate", "echo: sample rate, 8000 (Twilio) or 16000 (Vonage).", 8000, 8000, "hz");
        rate.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is not (8000 or 16000)) result.AddError("--rate must be 8000 (Twilio) or 16000 (Vonage).");
        });
        var verbose = OptionValues.Switch("--verbose", "echo: print every cell.");
        var minSpeech = OptionValues.OptionalInteger("--min-speech-ms", "echo: caller speech needed for a barge-in (default: the pipeline's).", 1, "ms");
        var traceCell = OptionValues.OptionalInteger("--trace-cell", "echo: trace one cell frame by frame.", 0, "index");
        var noCanceller = OptionValues.Switch("--no-canceller", "echo: with --trace-cell, trace without the echo canceller.");
        var readers = OptionValues.Integer("--readers", "stalled: callers that keep reading during the wave.", 0, 4);
        var replyMb = OptionValues.Integer("--reply-mb", "stalled: size of the model stand-in's script in MB (each reply stops at the server's max_tokens, as the API does).", 1, 4, "mb");
        var serverDll = OptionValues.Text("--server-dll", "stalled: the VoiceAgent.Server.dll to run (default: the one built next to this tool).", "path");
        serverDll.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { Length: > 0 } path && !File.Exists(path)) result.AddError($"--server-dll '{path}' does not exist.");
        });
        var transport = OptionValues.Text("--transport", "stalled: relay (default), media (Twilio Media Streams) or vonage.", "name");
        transport.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { } name && name is not ("relay" or "media" or "vonage")) result.AddError("--transport must be relay, media or vonage.");
        });
        var gcMatrix = OptionValues.Switch("--gc-matrix", "stalled: run the wave once per GC configuration (workstation/server, concurrent, GCConserveMemory, heap limit) and print a table.");
        var serverEnv = new Option<IReadOnlyDictionary<string, string>>("--server-env")
        {
            Description = "stalled: extra environment for the server process.",
            HelpName = "KEY=V[,KEY=V…]",
            DefaultValueFactory = _ => new Dictionary<string, string>(),
            CustomParser = result =>
            {
                var environment = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var pair in result.Tokens.Single().Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    var parts = pair.Split('=', 2);
                    if (parts.Length != 2 || parts[0].Length == 0)
                    {
                        result.AddError($"--server-env: '{pair}' is not KEY=VALUE.");
                        continue;
                    }
                    environment[parts[0]] = parts[1];
                }
                return environment;
            },
        };

        var command = new Command("bench", "Measures the latency the server adds, on local emulators (see docs/latency.md).")
        {
            scenario, turns, calls, isolated, mediaOutside, redisUrl, rate, verbose, minSpeech, traceCell, noCanceller, readers, replyMb, serverDll, serverEnv, transport, gcMatrix,
        };
        foreach (var option in outsideOptions) command.Options.Add(option);
        var usedBy = new (Option Option, string[] Scenarios)[]
        {
            (turns, ["relay", "media", "sessions"]), (calls, ["media", "stalled", "outside"]), (isolated, ["media"]), (mediaOutside, ["media"]), (redisUrl, ["relay", "sessions"]),
            (rate, ["echo"]), (verbose, ["echo"]), (minSpeech, ["echo"]), (traceCell, ["echo"]), (noCanceller, ["echo"]),
            (readers, ["stalled"]), (replyMb, ["stalled"]), (serverDll, ["stalled"]), (serverEnv, ["stalled", "outside", "media"]),
            (transport, ["stalled"]), (gcMatrix, ["stalled"]),
        };
        usedBy = [.. usedBy, .. outsideOptions.Select((o, i) => ((Option)o, MediaOutsideNames.Contains(outsideNames[i].Name) ? OutsideAndMedia : OutsideOnly))];
        command.Validators.Add(result =>
        {
            if (!result.TryGetValue(scenario, out var chosen) || chosen is null) return;
            foreach (var (option, scenarios) in usedBy)
            {
                if (result.GetResult(option) is { Implicit: false } && !scenarios.Contains(chosen, StringComparer.Ordinal))
                    result.AddError($"{option.Name} does not apply to --scenario {chosen} (it is for {string.Join(", ", scenarios)}).");
            }
            if (chosen == "stalled" && result.TryGetValue(calls, out var counts) && counts is { Length: > 1 }) result.AddError("--calls takes one number with --scenario stalled.");
            if (chosen == "media")
            {
                var outside = result.TryGetValue(mediaOutside, out var on) && on;
                if (outside && result.GetResult(isolated) is { Implicit: false }) result.AddError("--isolated and --outside are two ways to run the media bench; pick one.");
                for (var i = 0; i < outsideNames.Length; i++)
                {
                    if (!outside && MediaOutsideNames.Contains(outsideNames[i].Name) && result.GetResult(outsideOptions[i]) is { Implicit: false })
                        result.AddError($"{outsideNames[i].Name} with --scenario media needs --outside.");
                }
                if (!outside && result.GetResult(serverEnv) is { Implicit: false }) result.AddError("--server-env with --scenario media needs --outside.");
                if (outside)
                {
                    try { MediaOutsideFrom(o => result.TryGetValue(o, out var v) ? v : null, result.TryGetValue(calls, out var levels) ? levels : null, result.TryGetValue(turns, out var t) ? t : null, result.TryGetValue(serverEnv, out var env) ? env : null); }
                    catch (ArgumentException ex) { result.AddError(ex.Message); }
                }
            }
            if (chosen == "outside")
            {
                try { OutsideFrom(o => result.TryGetValue(o, out var v) ? v : null, result.TryGetValue(calls, out var levels) ? levels : null, result.TryGetValue(serverEnv, out var env) ? env : null); }
                catch (ArgumentException ex) { result.AddError(ex.Message); }
            }
        });
        command.SetAction((parseResult, cancellationToken) => BenchCommand.RunAsync(new BenchOptions
        {
            Scenario = parseResult.GetValue(scenario) ?? "relay",
            Turns = parseResult.GetValue(turns),
            Calls = parseResult.GetValue(calls),
            Isolated = parseResult.GetValue(isolated),
            RedisUrl = parseResult.GetValue(redisUrl),
            Rate = parseResult.GetValue(rate),
            Verbose = parseResult.GetValue(verbose),
            MinSpeechMs = parseResult.GetValue(minSpeech),
            TraceCell = parseResult.GetValue(traceCell),
            NoCanceller = parseResult.GetValue(noCanceller),
            Readers = parseResult.GetValue(readers),
            ReplyMegabytes = parseResult.GetValue(replyMb),
            ServerDll = parseResult.GetValue(serverDll),
            ServerEnvironment = parseResult.GetValue(serverEnv) ?? new Dictionary<string, string>(),
            Transport = parseResult.GetValue(transport) ?? "relay",
            GcMatrix = parseResult.GetValue(gcMatrix),
            Outside = parseResult.GetValue(scenario) == "outside" ? OutsideFrom(o => parseResult.GetValue(o), parseResult.GetValue(calls), parseResult.GetValue(serverEnv)) : null,
            MediaOutside = parseResult.GetValue(scenario) == "media" && parseResult.GetValue(mediaOutside)
                ? MediaOutsideFrom(o => parseResult.GetValue(o), parseResult.GetValue(calls), parseResult.GetValue(turns), parseResult.GetValue(serverEnv)) : null,
        }, console, cancellationToken));
        return command;

        Outside.OutsideBenchOptions OutsideFrom(Func<Option<string?>, string?> text, int[]? levels, IReadOnlyDictionary<string, string>? environment)
        {
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < outsideNames.Length; i++)
                if (text(outsideOptions[i]) is { } value) values[outsideNames[i].Name] = value;
            if (levels is { Length: > 0 }) values["--calls"] = string.Join(',', levels);
            var options = Outside.OutsideBenchOptions.From(name => values.GetValueOrDefault(name));
            return environment is { Count: > 0 } ? options with { ServerEnvironment = environment } : options;
        }

        Outside.MediaOutsideOptions MediaOutsideFrom(Func<Option<string?>, string?> text, int[]? levels, int? turnsPerCall, IReadOnlyDictionary<string, string>? environment)
        {
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < outsideNames.Length; i++)
                if (MediaOutsideNames.Contains(outsideNames[i].Name) && text(outsideOptions[i]) is { } value) values[outsideNames[i].Name] = value;
            var (candidate, baseline) = Outside.OutsideBenchOptions.Servers(name => values.GetValueOrDefault(name));
            var perSecond = values.TryGetValue("--calls-per-second", out var rate)
                ? int.TryParse(rate, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var r) && r >= 1 ? r
                    : throw new ArgumentException($"--calls-per-second '{rate}' must be a whole number of at least 1.")
                : 50;
            return new Outside.MediaOutsideOptions
            {
                Candidate = candidate,
                Baseline = baseline,
                Levels = levels is { Length: > 0 } ? levels : [200],
                TurnsPerCall = turnsPerCall ?? 4,
                CallsPerSecond = perSecond,
                ServerEnvironment = environment ?? new Dictionary<string, string>(),
                Scratch = values.GetValueOrDefault("--scratch") ?? Path.Combine(Path.GetTempPath(), "voiceagent-bench"),
                ServerLog = values.GetValueOrDefault("--server-log") is { } serverLog ? Path.GetFullPath(serverLog) : null,
            };
        }
    }

}
