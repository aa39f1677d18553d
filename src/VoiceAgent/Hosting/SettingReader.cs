using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace VoiceAgent.Hosting;

/// <summary>
/// Reads typed settings from configuration without throwing: a malformed value keeps the default and is
/// recorded as an error naming the variable, what it got and what it expects, so start-up can list every
/// mistake at once instead of dying on the first <see cref="FormatException"/>.
/// </summary>
internal sealed class SettingReader(IConfiguration config)
{
    private readonly List<string> _errors = [];

    public IReadOnlyList<string> Errors => _errors;

    public string? String(string key) => string.IsNullOrWhiteSpace(config[key]) ? null : config[key]!.Trim();

    public int Int(string key, int fallback)
    {
        if (String(key) is not { } v) return fallback;
        if (int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)) return value;
        return Bad(key, v, $"a whole number such as {fallback.ToString(CultureInfo.InvariantCulture)}", fallback);
    }

    public long Long(string key, long fallback)
    {
        if (String(key) is not { } v) return fallback;
        if (long.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)) return value;
        return Bad(key, v, $"a whole number such as {fallback.ToString(CultureInfo.InvariantCulture)}", fallback);
    }

    public double Double(string key, double fallback)
    {
        if (String(key) is not { } v) return fallback;
        if (double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)) return value;
        return Bad(key, v, $"a number with a dot for decimals such as {fallback.ToString(CultureInfo.InvariantCulture)}", fallback);
    }

    public bool Bool(string key, bool fallback)
    {
        if (String(key) is not { } v) return fallback;
        if (bool.TryParse(v, out var value)) return value;
        return Bad(key, v, "true or false", fallback);
    }

    public TimeSpan Milliseconds(string key, TimeSpan fallback)
    {
        if (String(key) is not { } v) return fallback;
        if (int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var ms)) return TimeSpan.FromMilliseconds(ms);
        return Bad(key, v, $"a whole number of milliseconds such as {fallback.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)}", fallback);
    }

    public TimeSpan Seconds(string key, TimeSpan fallback)
    {
        if (String(key) is not { } v) return fallback;
        if (int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var s)) return TimeSpan.FromSeconds(s);
        return Bad(key, v, $"a whole number of seconds such as {fallback.TotalSeconds.ToString(CultureInfo.InvariantCulture)}", fallback);
    }

    public IReadOnlyList<int> IntList(string key, IReadOnlyList<int> fallback)
    {
        if (String(key) is not { } v) return fallback;
        var parts = v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var values = new int[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out values[i]))
                return Bad(key, v, $"comma-separated whole numbers such as {string.Join(',', fallback)}", fallback);
        }
        return values;
    }

    /// <summary>One of <typeparamref name="TEnum"/>'s names, case-insensitive; numbers are refused.</summary>
    public TEnum Choice<TEnum>(string key, TEnum fallback) where TEnum : struct, Enum
    {
        if (String(key) is not { } v) return fallback;
        if (!v.Any(char.IsDigit) && Enum.TryParse<TEnum>(v, ignoreCase: true, out var value) && Enum.IsDefined(value)) return value;
        var names = string.Join(", ", Enum.GetNames<TEnum>().Select(n => n.ToLowerInvariant()));
        return Bad(key, v, $"one of {names}", fallback);
    }

    /// <summary>One of the keys of <paramref name="values"/> (compared as the dictionary compares), mapped to its value.</summary>
    public T Mapped<T>(string key, T fallback, IReadOnlyDictionary<string, T> values, string expected)
    {
        if (String(key) is not { } v) return fallback;
        return values.TryGetValue(v, out var value) ? value : Bad(key, v, expected, fallback);
    }

    private T Bad<T>(string key, string got, string expected, T fallback)
    {
        _errors.Add($"{key} must be {expected} (got '{got}').");
        return fallback;
    }
}
