using System.Globalization;

namespace VoiceAgent.Hosting;

/// <summary>
/// The checks the settings sections run on values already read (<see cref="SettingReader"/> parses; these judge):
/// each failure adds one message naming the variable, the rule and what it got, so start-up lists every mistake at once.
/// </summary>
internal static class SettingChecks
{
    /// <summary><paramref name="value"/> must lie in <paramref name="min"/>..<paramref name="max"/>; the example, when given, is a sensible value.</summary>
    public static void InRange(List<string> errors, string name, int value, int min, int max, int? example = null)
    {
        if (value >= min && value <= max) return;
        var hint = example is { } e ? ", e.g. " + e.ToString(CultureInfo.InvariantCulture) : "";
        errors.Add(string.Create(CultureInfo.InvariantCulture, $"{name} must be {min}..{max}{hint} (got {value})."));
    }

    /// <summary>Text that must not be blank; <paramref name="consequence"/> says what a blank value would do.</summary>
    public static void NotBlank(List<string> errors, string name, string? value, string consequence)
    {
        if (string.IsNullOrWhiteSpace(value)) errors.Add($"{name} is empty: {consequence}");
    }

    /// <summary>A file setting, when set, must name an existing file.</summary>
    public static void FileExists(List<string> errors, string name, string? path)
    {
        if (path is not null && !File.Exists(path)) errors.Add($"{name} '{path}' does not exist.");
    }
}
