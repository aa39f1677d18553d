namespace VoiceAgent.Cli;

/// <summary>The command name and its <c>--name value</c> options.</summary>
internal sealed class CliArguments
{
    private readonly Dictionary<string, string> _options = new(StringComparer.Ordinal);

    public CliArguments(string[] args)
    {
        Command = args.Length > 0 ? args[0] : "help";
        for (var i = 1; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal)) throw new ArgumentException($"Unexpected argument '{args[i]}'.");
            _options[args[i]] = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : "true";
        }
    }

    public string Command { get; }
    public IReadOnlyCollection<string> OptionNames => _options.Keys;
    public string? Get(string name) => _options.GetValueOrDefault(name);
    public int GetInt(string name, int fallback) => Get(name) is { } v ? int.Parse(v, System.Globalization.CultureInfo.InvariantCulture) : fallback;
}
