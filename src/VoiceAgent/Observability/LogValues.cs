using System.Text.RegularExpressions;

namespace VoiceAgent.Observability;

/// <summary>
/// Makes values safe to log: durations JSON can carry (NaN becomes null; the JSON console formatter cannot write
/// NaN) and free text with phone numbers masked (carrier and provider error texts quote the number dialled).
/// </summary>
internal static partial class LogValues
{
    /// <summary>A duration in ms, or null when it was not measured (NaN).</summary>
    public static double? Ms(double ms) => double.IsNaN(ms) || double.IsInfinity(ms) ? null : ms;

    /// <summary>
    /// <paramref name="text"/> with every run that looks like a phone number or a card number (an optional +, then 7 to
    /// 19 digits, optionally separated by spaces, dots, dashes or brackets) replaced by its last two digits behind
    /// stars, e.g. <c>+15551234567</c> → <c>***67</c>, <c>4111 1111 1111 1111</c> → <c>***11</c>. Call SIDs, ids and
    /// short numbers are left alone.
    /// </summary>
    public static string MaskPhoneNumbers(string? text)
    {
        if (string.IsNullOrEmpty(text)) return text ?? "";
        return PhoneNumber().Replace(text, m =>
        {
            var digits = 0;
            foreach (var c in m.Value) if (char.IsAsciiDigit(c)) digits++;
            if (digits is < 7 or > 19) return m.Value;
            return "***" + m.Value[^2..];
        });
    }

    // Starts on a digit, + or (, ends on a digit, not inside a longer alphanumeric token such as a SID.
    [GeneratedRegex(@"(?<![\w+(])[+(]?\d[\d \-.()]{5,28}\d(?!\w)", RegexOptions.CultureInvariant)]
    private static partial Regex PhoneNumber();
}
