using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace VoiceAgent.Cli.CommandLine;

/// <summary>Typed option values shared by the commands, each with an error that names the option and what it takes.</summary>
internal static class OptionValues
{
    /// <summary>An integer of at least <paramref name="minimum"/>.</summary>
    public static Option<int> Integer(string name, string description, int minimum, int defaultValue, string? helpName = null)
    {
        var option = new Option<int>(name) { Description = description, DefaultValueFactory = _ => defaultValue, HelpName = helpName ?? "n" };
        option.CustomParser = result => ParseInteger(result, name, minimum) ?? defaultValue;
        return option;
    }

    /// <summary>An optional integer of at least <paramref name="minimum"/>; null when not given.</summary>
    public static Option<int?> OptionalInteger(string name, string description, int minimum, string? helpName = null)
    {
        var option = new Option<int?>(name) { Description = description, HelpName = helpName ?? "n" };
        option.CustomParser = result => ParseInteger(result, name, minimum);
        return option;
    }

    /// <summary>A comma-separated list of integers, each at least <paramref name="minimum"/> (e.g. <c>1,10,40</c>).</summary>
    public static Option<int[]> IntegerList(string name, string description, int minimum, int[] defaultValue)
    {
        var option = new Option<int[]>(name) { Description = description, DefaultValueFactory = _ => defaultValue, HelpName = "n[,n…]" };
        option.CustomParser = result =>
        {
            var values = new List<int>();
            foreach (var part in result.Tokens.Single().Value.Split(',', StringSplitOptions.TrimEntries))
            {
                if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < minimum)
                {
                    result.AddError($"{name} '{result.Tokens.Single().Value}': '{part}' is not a whole number of at least {minimum} (e.g. {name} 1,10,40).");
                    return defaultValue;
                }
                values.Add(value);
            }
            return [.. values];
        };
        return option;
    }

    /// <summary>An absolute http(s) URL.</summary>
    public static Option<Uri?> HttpUrl(string name, string description)
    {
        var option = new Option<Uri?>(name) { Description = description, HelpName = "url" };
        option.CustomParser = result =>
        {
            var text = result.Tokens.Single().Value;
            if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https") return uri;
            result.AddError($"{name} '{text}' is not an absolute http:// or https:// URL.");
            return null;
        };
        return option;
    }

    /// <summary>A point in time in ISO 8601; without an offset it is UTC.</summary>
    public static Option<DateTimeOffset?> Time(string name, string description)
    {
        var option = new Option<DateTimeOffset?>(name) { Description = description, HelpName = "time" };
        option.CustomParser = result =>
        {
            var text = result.Tokens.Single().Value;
            if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)) return at;
            result.AddError($"{name} '{text}' is not a time (use ISO 8601, e.g. 2026-12-07T02:00:00Z; no offset means UTC).");
            return null;
        };
        return option;
    }

    /// <summary>A non-empty string (the option given without a value is an error, not an empty string).</summary>
    public static Option<string?> Text(string name, string description, string helpName)
    {
        var option = new Option<string?>(name) { Description = description, HelpName = helpName };
        option.Validators.Add(result =>
        {
            if (result.Tokens.Count == 1 && string.IsNullOrWhiteSpace(result.Tokens[0].Value)) result.AddError($"{name} needs a non-empty {helpName}.");
        });
        return option;
    }

    /// <summary>A switch: <c>--name</c> alone, or <c>--name true|false</c>.</summary>
    public static Option<bool> Switch(string name, string description) => new(name) { Description = description };

    /// <summary>
    /// An option's value for a command validator that relates several options. Validators run even when a value
    /// did not parse (its own error is already reported), and reading such a value throws: then this is false.
    /// </summary>
    public static bool TryGetValue<T>(this CommandResult result, Option<T> option, out T? value)
    {
        try
        {
            value = result.GetValue(option);
            return true;
        }
        catch (InvalidOperationException)
        {
            value = default;
            return false;
        }
    }

    private static int? ParseInteger(ArgumentResult result, string name, int minimum)
    {
        var text = result.Tokens.Single().Value;
        if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) && value >= minimum) return value;
        result.AddError($"{name} '{text}' is not a whole number of at least {minimum}.");
        return null;
    }
}
