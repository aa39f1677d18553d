using System.Globalization;

namespace VoiceAgent.Cli.Bench.Outside;

/// <summary>Where one server under test comes from: a published folder to start, a source tree or git ref to publish and start, or a running URL.</summary>
internal sealed record ServerSpec(string Name, string? PublishedDir = null, string? SourceRoot = null, string? GitRef = null, Uri? Url = null, int? Pid = null)
{
    public bool IsRunning => Url is not null;
}

/// <summary>The parsed options of <c>bench --scenario outside</c> (the entry point parses; the bench only reads this).</summary>
internal sealed record OutsideBenchOptions
{
    public required ServerSpec Candidate { get; init; }
    public ServerSpec? Baseline { get; init; }
    public IReadOnlyList<int> Levels { get; init; } = [50, 200, 500, 1000];
    public int TurnsPerCall { get; init; } = 5;
    public TimeSpan TurnGap { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>Calls started per second while a level ramps up.</summary>
    public int CallsPerSecond { get; init; } = 100;
    public TimeSpan FirstToken { get; init; } = TimeSpan.FromMilliseconds(300);
    public int Tokens { get; init; } = 40;
    public TimeSpan TokenGap { get; init; } = TimeSpan.FromMilliseconds(15);
    /// <summary><c>anthropic</c> or <c>openai</c>: which stand-in the launched servers talk to.</summary>
    public string Model { get; init; } = "anthropic";
    /// <summary>The stand-in's port; fixed when a running server (<c>--server-url</c>) was configured to reach it there.</summary>
    public int ModelPort { get; init; }
    public string AuthToken { get; init; } = "bench-auth-token-0123456789";
    public string AccountSid { get; init; } = "AC0123456789abcdef0123456789abcdef";
    /// <summary>The PUBLIC_BASE_URL the server signs against (launched servers get this value).</summary>
    public string PublicBaseUrl { get; init; } = "https://bench.voiceagent.invalid";
    public IReadOnlyDictionary<string, string> ServerEnvironment { get; init; } = new Dictionary<string, string>();
    /// <summary><c>--model-http</c>: the MODEL_HTTP_VERSION values (<c>1.1</c>, <c>2</c>) each launched server runs with in turn; empty runs the server's default once.</summary>
    public IReadOnlyList<string> ModelHttpVersions { get; init; } = [];
    public string? JsonPath { get; init; }
    /// <summary><c>--server-log</c>: the launched candidate server's console, appended level after level; JSON (<c>LOG_FORMAT=json</c>) unless <c>--server-env</c> says otherwise.</summary>
    public string? ServerLog { get; init; }
    /// <summary>When above 0, the runtime's allocation ticks are sampled and the top types per turn listed (tracing adds cost: CPU figures of such a run are not comparable).</summary>
    public int AllocationTop { get; init; }
    public string Scratch { get; init; } = Path.Combine(Path.GetTempPath(), "voiceagent-bench");

    /// <summary>From the raw text of the <c>bench --scenario outside</c> options (<paramref name="get"/> answers null for an option not given).</summary>
    public static OutsideBenchOptions From(Func<string, string?> get)
    {
        var (candidate, baseline) = Servers(get);
        var options = new OutsideBenchOptions
        {
            Candidate = candidate,
            Baseline = baseline,
            Levels = (get("--levels") ?? get("--calls") ?? "50,200,500,1000").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(v => int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : throw new ArgumentException($"--levels '{v}' is not a whole number.")).ToArray(),
            TurnsPerCall = Int(get, "--turns-per-call", 5),
            TurnGap = TimeSpan.FromMilliseconds(Int(get, "--turn-gap-ms", 1000)),
            CallsPerSecond = Int(get, "--calls-per-second", 100),
            FirstToken = TimeSpan.FromMilliseconds(Int(get, "--first-token-ms", 300)),
            Tokens = Int(get, "--tokens", 40),
            TokenGap = TimeSpan.FromMilliseconds(Int(get, "--token-gap-ms", 15)),
            Model = (get("--model") ?? "anthropic").ToLowerInvariant(),
            ModelPort = Int(get, "--model-port", 0),
            AuthToken = get("--auth-token") ?? "bench-auth-token-0123456789",
            AccountSid = get("--account-sid") ?? "AC0123456789abcdef0123456789abcdef",
            PublicBaseUrl = (get("--public-base-url") ?? "https://bench.voiceagent.invalid").TrimEnd('/'),
            ServerEnvironment = ParseEnvironment(get("--server-env")),
            ModelHttpVersions = (get("--model-http") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct().ToArray(),
            JsonPath = get("--json"),
            ServerLog = get("--server-log") is { } serverLog ? Path.GetFullPath(serverLog) : null,
            AllocationTop = Int(get, "--alloc-top", 0),
            Scratch = get("--scratch") ?? Path.Combine(Path.GetTempPath(), "voiceagent-bench"),
        };
        options.Validate();
        return options;
    }

    /// <summary>The server under test and the optional baseline, from the server options shared by the outside benches.</summary>
    internal static (ServerSpec Candidate, ServerSpec? Baseline) Servers(Func<string, string?> get)
    {
        var candidate = get("--server-url") is { } url
            ? new ServerSpec("candidate", Url: new Uri(url), Pid: OptionalInt(get, "--server-pid"))
            : get("--server-dir") is { } dir
                ? new ServerSpec("candidate", PublishedDir: Path.GetFullPath(dir))
                : new ServerSpec("candidate", SourceRoot: Path.GetFullPath(get("--source") ?? ServerBuild.FindSourceRoot(Directory.GetCurrentDirectory())));
        ServerSpec? baseline = get("--baseline-url") is { } burl
            ? new ServerSpec("baseline", Url: new Uri(burl), Pid: OptionalInt(get, "--baseline-pid"))
            : get("--baseline-dir") is { } bdir
                ? new ServerSpec("baseline", PublishedDir: Path.GetFullPath(bdir))
                : get("--baseline-ref") is { } gitRef ? new ServerSpec("baseline", GitRef: gitRef) : null;
        return (candidate, baseline);
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad option.</summary>
    public void Validate()
    {
        if (Levels.Count == 0 || Levels.Any(l => l < 1)) throw new ArgumentException("--levels must list call counts of at least 1, e.g. 50,200,500,1000.");
        if (TurnsPerCall < 1) throw new ArgumentException("--turns-per-call must be at least 1.");
        if (Tokens < 1) throw new ArgumentException("--tokens must be at least 1.");
        if (AllocationTop < 0) throw new ArgumentException("--alloc-top must be 0 (off) or more.");
        if (CallsPerSecond < 1) throw new ArgumentException("--calls-per-second must be at least 1.");
        if (TurnGap < TimeSpan.Zero || FirstToken < TimeSpan.Zero || TokenGap < TimeSpan.Zero) throw new ArgumentException("Delays must not be negative.");
        if (Model is not ("anthropic" or "openai")) throw new ArgumentException("--model must be anthropic or openai.");
        if (ModelHttpVersions.Any(v => v is not ("1.1" or "2"))) throw new ArgumentException("--model-http lists 1.1 and/or 2, e.g. 1.1,2.");
        if (ModelHttpVersions.Count > 0 && (Candidate.IsRunning || Baseline?.IsRunning == true))
            throw new ArgumentException("--model-http sets MODEL_HTTP_VERSION on servers the bench starts; a running server (--server-url / --baseline-url) keeps its own.");
        if (ModelHttpVersions.Count > 0 && ServerEnvironment.ContainsKey("MODEL_HTTP_VERSION"))
            throw new ArgumentException("Give the model HTTP version either with --model-http or in --server-env, not both.");
        if ((Candidate.IsRunning || Baseline?.IsRunning == true) && ModelPort == 0)
            throw new ArgumentException("A running server (--server-url / --baseline-url) needs --model-port: the port its ANTHROPIC_BASE_URL/OPENAI_BASE_URL points at on 127.0.0.1.");
    }

    private static int? OptionalInt(Func<string, string?> get, string name) => get(name) is null ? null : Int(get, name, 0);

    private static int Int(Func<string, string?> get, string name, int defaultValue)
    {
        if (get(name) is not { } text) return defaultValue;
        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value
            : throw new ArgumentException($"{name} '{text}' is not a whole number.");
    }

    internal static Dictionary<string, string> ParseEnvironment(string? spec)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in (spec ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var kv = pair.Split('=', 2);
            if (kv.Length != 2 || kv[0].Length == 0) throw new ArgumentException($"--server-env takes KEY=VALUE pairs separated by commas (got '{pair}').");
            result[kv[0]] = kv[1];
        }
        return result;
    }
}
