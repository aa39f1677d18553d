using System.Security.Cryptography;
using System.Text;

namespace VoiceAgent.Storage.Webhooks;

/// <summary>
/// <c>X-VoiceAgent-Signature: sha256=&lt;hex HMAC-SHA256 of the exact body bytes, keyed with CALL_END_WEBHOOK_SECRET&gt;</c>.
/// Receivers recompute it over the raw body and compare in constant time.
/// </summary>
public static class WebhookSignature
{
    public const string HeaderName = "X-VoiceAgent-Signature";

    public static string Compute(string secret, ReadOnlySpan<byte> body)
        => "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    public static bool Verify(string secret, ReadOnlySpan<byte> body, string? header)
    {
        if (header is null) return false;
        var expected = Encoding.ASCII.GetBytes(Compute(secret, body));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(header));
    }
}
