using System.Text;
using Microsoft.Extensions.Configuration;

namespace VoiceAgent.Telephony.Twilio.Security;

/// <summary>
/// How Twilio requests are authenticated. Without an <see cref="AuthToken"/> every signed endpoint
/// rejects every request (fail closed), unless <see cref="BypassSignature"/> is set, which the host
/// only does in Development.
/// </summary>
public sealed record TwilioSecurityOptions
{
    /// <summary>The default public base URL (<c>PUBLIC_BASE_URL</c> unset).</summary>
    public static readonly Uri DefaultPublicBaseUrl = new("http://127.0.0.1:8080");

    /// <summary>Account auth token (<c>TWILIO_AUTH_TOKEN</c>), the HMAC key of every signature. Never logged.</summary>
    public string? AuthToken { get; init; }

    /// <summary>The account this server belongs to (<c>TWILIO_ACCOUNT_SID</c>); always allowed.</summary>
    public string? AccountSid { get; init; }

    /// <summary>
    /// Further accounts (e.g. subaccounts) whose calls are accepted. When neither this list nor
    /// <see cref="AccountSid"/> names any account, every account whose request carries a valid
    /// signature is accepted; otherwise only the named ones.
    /// </summary>
    public IReadOnlyList<string> AllowedAccountSids { get; init; } = [];

    /// <summary>
    /// The public URL Twilio calls (<c>PUBLIC_BASE_URL</c>), plus any path prefix a proxy strips.
    /// Signed URLs are rebuilt from it, never from the Host header: behind a proxy Twilio signed the public URL.
    /// </summary>
    public Uri PublicBaseUrl { get; init; } = DefaultPublicBaseUrl;

    /// <summary>Skip signature checks (<c>DEV_BYPASS_SIGNATURE=true</c>); honoured by the host only in Development.</summary>
    public bool BypassSignature { get; init; }

    /// <summary>Every configuration error, each with how to fix it; empty when the options are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        var baseUrl = PublicBaseUrl;
        if (baseUrl is null || !baseUrl.IsAbsoluteUri || (baseUrl.Scheme != Uri.UriSchemeHttps && baseUrl.Scheme != Uri.UriSchemeHttp))
        {
            errors.Add($"PublicBaseUrl '{baseUrl}' must be an absolute http:// or https:// URL; set PUBLIC_BASE_URL to the public address Twilio calls, e.g. https://voice.example.com.");
        }
        else
        {
            if (baseUrl.Query.Length > 0 || baseUrl.Fragment.Length > 0)
                errors.Add($"PublicBaseUrl '{baseUrl}' must not have a query string or fragment; set PUBLIC_BASE_URL to scheme, host and optional path prefix only.");
            if (baseUrl.UserInfo.Length > 0)
                errors.Add("PublicBaseUrl must not contain user credentials; remove the 'user:password@' part of PUBLIC_BASE_URL.");
        }

        if (AccountSid is { Length: > 0 } sid && !IsAccountSidShaped(sid))
            errors.Add("AccountSid must be 'AC' followed by 32 hex digits; copy TWILIO_ACCOUNT_SID from the Twilio console.");
        if (AllowedAccountSids is null)
        {
            errors.Add("AllowedAccountSids must not be null; use an empty list to allow only AccountSid.");
        }
        else
        {
            for (var i = 0; i < AllowedAccountSids.Count; i++)
            {
                if (!IsAccountSidShaped(AllowedAccountSids[i]))
                    errors.Add($"AllowedAccountSids[{i}] must be 'AC' followed by 32 hex digits; remove or correct that entry.");
            }
        }
        return errors;
    }

    /// <summary>
    /// Reads <c>PUBLIC_BASE_URL</c>, <c>TWILIO_ACCOUNT_SID</c>, <c>TWILIO_AUTH_TOKEN</c> and
    /// <c>DEV_BYPASS_SIGNATURE</c>; the bypass is ignored unless <paramref name="isDevelopment"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException"><c>PUBLIC_BASE_URL</c> is not an absolute URL.</exception>
    public static TwilioSecurityOptions FromConfiguration(IConfiguration configuration, bool isDevelopment)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var baseUrl = DefaultPublicBaseUrl;
        if (configuration["PUBLIC_BASE_URL"] is { Length: > 0 } configured)
        {
            if (!Uri.TryCreate(configured, UriKind.Absolute, out var parsed))
                throw new InvalidOperationException($"PUBLIC_BASE_URL '{configured}' is not an absolute URL; set it to the public https address Twilio calls, e.g. https://voice.example.com.");
            baseUrl = parsed;
        }

        return new TwilioSecurityOptions
        {
            PublicBaseUrl = baseUrl,
            AccountSid = NullIfEmpty(configuration["TWILIO_ACCOUNT_SID"]),
            AuthToken = NullIfEmpty(configuration["TWILIO_AUTH_TOKEN"]),
            BypassSignature = isDevelopment && bool.TryParse(configuration["DEV_BYPASS_SIGNATURE"], out var bypass) && bypass,
        };
    }

    // Records print every property; the auth token must never reach a log or an exception message.
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("PublicBaseUrl = ").Append(PublicBaseUrl)
            .Append(", AccountSid = ").Append(AccountSid)
            .Append(", AllowedAccountSids = [").AppendJoin(", ", AllowedAccountSids ?? []).Append(']')
            .Append(", AuthToken = ").Append(string.IsNullOrEmpty(AuthToken) ? "(none)" : "(set)")
            .Append(", BypassSignature = ").Append(BypassSignature);
        return true;
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static bool IsAccountSidShaped(string? sid)
        => sid is { Length: 34 } && sid.StartsWith("AC", StringComparison.Ordinal) && sid.Skip(2).All(char.IsAsciiHexDigit);
}
