namespace VoiceAgent.Cli.Bench.Outside;

/// <summary>
/// The environment a bench starts a published server with, built the same way for the relay and the media outside
/// benches: the Twilio account the callers sign with, a fresh data folder, no greeting, the provider stand-ins' settings,
/// JSON logging when <c>--server-log</c> keeps the console, then the user's <c>--server-env</c> (which wins), then what
/// the row being measured is about (e.g. <c>SPECULATIVE_REPLIES</c> of a media row), which wins over everything.
/// </summary>
internal sealed class BenchServerEnvironment(string authToken, string accountSid, string publicBaseUrl, string dataDir)
{
    private readonly Dictionary<string, string> _providers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _row = new(StringComparer.Ordinal);
    private IReadOnlyDictionary<string, string> _user = new Dictionary<string, string>();
    private bool _jsonLog;

    /// <summary>Settings pointing at the provider stand-ins (keys, base URLs, ...).</summary>
    public BenchServerEnvironment WithProviders(IReadOnlyDictionary<string, string> settings)
    {
        foreach (var (key, value) in settings) _providers[key] = value;
        return this;
    }

    /// <summary><c>LOG_FORMAT=json</c>: what <c>--server-log</c> keeps and the analyzers read.</summary>
    public BenchServerEnvironment WithJsonLog(bool on)
    {
        _jsonLog = on;
        return this;
    }

    /// <summary>The user's <c>--server-env</c>.</summary>
    public BenchServerEnvironment WithUserSettings(IReadOnlyDictionary<string, string> settings)
    {
        _user = settings;
        return this;
    }

    /// <summary>A setting the measured row is defined by; nothing overrides it.</summary>
    public BenchServerEnvironment WithRowSetting(string key, string value)
    {
        _row[key] = value;
        return this;
    }

    public Dictionary<string, string> Build()
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["TWILIO_AUTH_TOKEN"] = authToken,
            ["TWILIO_ACCOUNT_SID"] = accountSid,
            ["PUBLIC_BASE_URL"] = publicBaseUrl,
            ["WELCOME_GREETING"] = "",
            ["DATA_DIR"] = dataDir,
        };
        foreach (var (key, value) in _providers) environment[key] = value;
        if (_jsonLog) environment["LOG_FORMAT"] = "json";
        foreach (var (key, value) in _user) environment[key] = value;
        foreach (var (key, value) in _row) environment[key] = value;
        return environment;
    }
}
