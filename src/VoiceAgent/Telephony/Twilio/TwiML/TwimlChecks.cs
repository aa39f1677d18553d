using System.Xml;

namespace VoiceAgent.Telephony.Twilio.TwiML;

/// <summary>Validation steps shared by the TwiML options records; each adds an error with its fix.</summary>
internal static class TwimlChecks
{
    /// <summary>Project guard on <c>&lt;Parameter&gt;</c> count (Twilio documents no limit for ConversationRelay).</summary>
    public const int MaxParameters = 64;

    /// <summary>Twilio: the combined length of a parameter's name and value must be under 500 characters.</summary>
    public const int MaxParameterLength = 500;

    public static void WebSocketUrl(Uri? url, string attribute, bool allowQuery, List<string> errors)
    {
        if (url is null)
        {
            errors.Add($"{attribute} is required; use WebSocketUrl.FromPublicBase(publicBaseUrl, \"/ws/…\").");
            return;
        }
        if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeWss && url.Scheme != Uri.UriSchemeWs))
        {
            errors.Add($"{attribute} '{url}' must be an absolute wss:// (or ws:// for local use) URL; use WebSocketUrl.FromPublicBase(publicBaseUrl, \"/ws/…\").");
            return;
        }
        if (url.Fragment.Length > 0)
            errors.Add($"{attribute} '{url}' must not have a fragment; remove the '#…' part.");
        if (!allowQuery && url.Query.Length > 0)
            errors.Add($"{attribute} '{url}' must not have a query string (Twilio drops it); pass the values as Parameters instead.");
    }

    public static void HttpUrl(Uri? url, string attribute, List<string> errors)
    {
        if (url is null) return;
        if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
            errors.Add($"{attribute} '{url}' must be an absolute https:// (or http:// for local use) URL; build it from the public base URL.");
    }

    /// <summary>Optional text: when present it must be non-blank and only hold characters XML can carry.</summary>
    public static void Text(string? value, string attribute, List<string> errors)
    {
        if (value is null) return;
        if (string.IsNullOrWhiteSpace(value))
            errors.Add($"{attribute} must not be blank; leave it null to omit the attribute.");
        else if (!IsXmlText(value))
            errors.Add($"{attribute} contains a control character XML cannot carry; remove it.");
    }

    public static void Required(string? value, string attribute, List<string> errors)
    {
        if (value is null) errors.Add($"{attribute} is required.");
        else Text(value, attribute, errors);
    }

    public static void LanguageCode(string? value, string attribute, List<string> errors)
    {
        if (value is null) return;
        if (!IsLanguageTag(value))
            errors.Add($"{attribute} '{value}' is not a BCP-47 language tag; use e.g. 'en-US' or 'es-MX'.");
    }

    public static void Parameters(IReadOnlyDictionary<string, string>? parameters, List<string> errors)
    {
        if (parameters is null)
        {
            errors.Add("Parameters must not be null; use an empty dictionary for none.");
            return;
        }
        if (parameters.Count > MaxParameters)
            errors.Add($"Parameters has {parameters.Count} entries; at most {MaxParameters} are allowed, so move bulk data to your own store and pass a key.");
        foreach (var (name, value) in parameters)
        {
            if (string.IsNullOrWhiteSpace(name))
            {
                errors.Add("A Parameter name is blank; give every parameter a name.");
                continue;
            }
            if (value is null)
            {
                errors.Add($"Parameter '{name}' has a null value; use an empty string instead.");
                continue;
            }
            if (name.Length + value.Length >= MaxParameterLength)
                errors.Add($"Parameter '{Truncate(name)}' is {name.Length + value.Length} characters (name + value); Twilio requires under {MaxParameterLength}, so shorten it.");
            if (!IsXmlText(name) || !IsXmlText(value))
                errors.Add($"Parameter '{Truncate(name)}' contains a control character XML cannot carry; remove it.");
        }
    }

    public static void Defined<TEnum>(TEnum? value, string attribute, List<string> errors)
        where TEnum : struct, Enum
    {
        if (value is { } v && !Enum.IsDefined(v))
            errors.Add($"{attribute} has the undefined value {v}; use one of {string.Join(", ", Enum.GetNames<TEnum>())}.");
    }

    public static string Describe(string what, IReadOnlyList<string> errors)
        => $"Invalid {what}:" + Environment.NewLine + " - " + string.Join(Environment.NewLine + " - ", errors);

    private static bool IsXmlText(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            if (XmlConvert.IsXmlChar(value[i])) continue;
            if (i + 1 < value.Length && XmlConvert.IsXmlSurrogatePair(value[i + 1], value[i]))
            {
                i++;
                continue;
            }
            return false;
        }
        return true;
    }

    private static bool IsLanguageTag(string value)
    {
        var subtags = value.Split('-');
        if (subtags[0].Length is < 2 or > 8 || !subtags[0].All(char.IsAsciiLetter)) return false;
        return subtags.Skip(1).All(s => s.Length is >= 1 and <= 8 && s.All(char.IsAsciiLetterOrDigit));
    }

    private static string Truncate(string name) => name.Length <= 40 ? name : name[..40] + "…";
}
