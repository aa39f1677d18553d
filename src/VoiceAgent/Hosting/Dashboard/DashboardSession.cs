using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace VoiceAgent.Hosting.Dashboard;

/// <summary>
/// The dashboard's login session. A browser cannot send a bearer header when it loads a page or opens an
/// EventSource, so the operator posts <c>ADMIN_TOKEN</c> once to a login form and gets a cookie
/// (<c>HttpOnly</c>: no script can read it; <c>SameSite=Strict</c>: no other site can make the browser send it;
/// <c>Path=/dashboard</c>; <c>Secure</c> off loopback) that holds <c>v1.expiry.nonce.mac</c>, where mac is
/// HMAC-SHA256 under a key derived from the token. The token itself is never stored in the browser; the server
/// keeps no session state; a session expires after <see cref="Lifetime"/>; changing <c>ADMIN_TOKEN</c> ends every
/// session. With no token configured nothing validates (fail closed). Comparisons are constant-time.
/// </summary>
internal static class DashboardSession
{
    public const string CookieName = "voiceagent_dashboard";
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(8);

    /// <summary>A new session value, or null when no admin token is configured.</summary>
    public static string? Issue(string? adminToken, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(adminToken)) return null;
        var payload = string.Create(CultureInfo.InvariantCulture,
            $"v1.{(now + Lifetime).ToUnixTimeSeconds()}.{Base64Url(RandomNumberGenerator.GetBytes(16))}");
        return payload + "." + Base64Url(Mac(adminToken, payload));
    }

    /// <summary>Whether <paramref name="value"/> is an unexpired session issued under <paramref name="adminToken"/>.</summary>
    public static bool IsValid(string? adminToken, string? value, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(adminToken) || string.IsNullOrEmpty(value) || value.Length > 200) return false;
        var lastDot = value.LastIndexOf('.');
        if (lastDot <= 0) return false;
        var payload = value[..lastDot];
        var parts = payload.Split('.');
        if (parts is not ["v1", var expiry, _] || !long.TryParse(expiry, NumberStyles.None, CultureInfo.InvariantCulture, out var expires)) return false;
        byte[] presented;
        try { presented = FromBase64Url(value[(lastDot + 1)..]); }
        catch (FormatException) { return false; }
        var expected = Mac(adminToken, payload);
        return CryptographicOperations.FixedTimeEquals(presented, expected) && now.ToUnixTimeSeconds() < expires;
    }

    private static byte[] Mac(string adminToken, string payload)
    {
        // A key for this purpose only, derived from the admin token.
        var key = HMACSHA256.HashData(Encoding.UTF8.GetBytes(adminToken), "voiceagent dashboard session v1"u8);
        return HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(payload));
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] FromBase64Url(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s.PadRight(s.Length + (4 - s.Length % 4) % 4, '='));
    }
}
