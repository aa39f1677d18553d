namespace VoiceAgent.Telephony.Twilio.Security;

/// <summary>
/// The forms of one URL that Twilio may have signed. Twilio's back end is inconsistent about the port,
/// so every official validator accepts the URL without a port and with the scheme's default port.
/// </summary>
internal static class SignedUrlVariants
{
    /// <summary>
    /// The URL as given, the URL with any explicit port removed, and the URL with the scheme's default
    /// port added when it had none (443 for https/wss, 80 for http/ws). Duplicates are dropped.
    /// </summary>
    public static IReadOnlyList<string> Of(string url)
    {
        var variants = new List<string>(3) { url };
        if (!TrySplitAuthority(url, out var head, out var host, out var port, out var tail)) return variants;

        if (port.Length > 0)
        {
            Add(variants, string.Concat(head, host, tail));
        }
        else if (DefaultPort(url) is { } defaultPort)
        {
            Add(variants, string.Concat(head, host, ":", defaultPort, tail));
        }
        return variants;
    }

    private static void Add(List<string> variants, string candidate)
    {
        if (!variants.Contains(candidate, StringComparer.Ordinal)) variants.Add(candidate);
    }

    private static string? DefaultPort(string url)
    {
        if (url.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || url.StartsWith("wss://", StringComparison.OrdinalIgnoreCase)) return "443";
        if (url.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || url.StartsWith("ws://", StringComparison.OrdinalIgnoreCase)) return "80";
        return null;
    }

    /// <summary>
    /// Splits <c>scheme://[userinfo@]host[:port]rest</c> into <paramref name="head"/> (scheme, <c>://</c>
    /// and user info), <paramref name="host"/>, <paramref name="port"/> (digits only, empty when absent)
    /// and <paramref name="tail"/> (path, query, fragment), without re-encoding anything.
    /// </summary>
    private static bool TrySplitAuthority(string url, out string head, out string host, out string port, out string tail)
    {
        head = host = port = tail = string.Empty;
        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd <= 0) return false;

        var authorityStart = schemeEnd + 3;
        var authorityEnd = url.IndexOfAny(['/', '?', '#'], authorityStart);
        if (authorityEnd < 0) authorityEnd = url.Length;

        var authority = url.AsSpan(authorityStart, authorityEnd - authorityStart);
        var hostStart = authority.LastIndexOf('@') + 1;
        var hostAndPort = authority[hostStart..];
        if (hostAndPort.IsEmpty) return false;

        // An IPv6 literal carries colons of its own; the port colon comes after its closing bracket.
        var searchFrom = hostAndPort[0] == '[' ? hostAndPort.IndexOf(']') : 0;
        if (searchFrom < 0) return false;
        var colon = hostAndPort[searchFrom..].LastIndexOf(':');
        var hostLength = hostAndPort.Length;
        if (colon >= 0)
        {
            colon += searchFrom;
            var digits = hostAndPort[(colon + 1)..];
            if (digits.IsEmpty || !IsAllDigits(digits)) return false;
            port = digits.ToString();
            hostLength = colon;
        }

        head = url[..(authorityStart + hostStart)];
        host = hostAndPort[..hostLength].ToString();
        tail = url[authorityEnd..];
        return true;
    }

    private static bool IsAllDigits(ReadOnlySpan<char> value)
    {
        foreach (var c in value)
        {
            if (!char.IsAsciiDigit(c)) return false;
        }
        return true;
    }
}
