namespace VoiceAgent.Cli.Dial;

/// <summary>What <c>dial</c> needs, already parsed: the server, the admin token, whom to call, how, with which context.</summary>
internal sealed record DialOptions(Uri ServerUrl, string AdminToken, string To, string? Transport, IReadOnlyDictionary<string, string> Context, bool Wait, TimeSpan WaitLimit)
{
    /// <summary>
    /// From the current <c>--name value</c> arguments: <c>--to</c>, <c>--transport</c>, <c>--context key=value,key=value</c>,
    /// <c>--url</c> (default http://127.0.0.1:8080), <c>--admin-token</c> (default: the ADMIN_TOKEN variable), <c>--wait</c>,
    /// <c>--wait-seconds</c> (default 120).
    /// </summary>
    public static DialOptions From(CliArguments args)
    {
        var to = args.Get("--to") ?? throw new ArgumentException("dial needs --to +1… (E.164).");
        var token = args.Get("--admin-token") ?? Environment.GetEnvironmentVariable("ADMIN_TOKEN")
            ?? throw new ArgumentException("dial needs the server's admin token: --admin-token T or ADMIN_TOKEN.");
        var context = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in (args.Get("--context") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var kv = pair.Split('=', 2);
            if (kv.Length != 2 || kv[0].Length == 0) throw new ArgumentException($"--context entries are key=value (got '{pair}').");
            context[kv[0]] = kv[1];
        }
        return new DialOptions(new Uri(args.Get("--url") ?? "http://127.0.0.1:8080"), token, to, args.Get("--transport"), context,
            args.Get("--wait") is not null, TimeSpan.FromSeconds(args.GetInt("--wait-seconds", 120)));
    }
}
