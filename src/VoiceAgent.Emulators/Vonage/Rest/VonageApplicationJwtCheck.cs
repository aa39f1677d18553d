using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace VoiceAgent.Emulators.Vonage.Rest;

/// <summary>
/// How the emulated Voice API checks <c>Authorization: Bearer</c>: a JWT with header <c>alg</c> = RS256, signed with the
/// application's private key (verified with its public key), claims <c>application_id</c> = the application, <c>iat</c>
/// not in the future, <c>exp</c> not passed, and a <c>jti</c> not seen before. Returns null when accepted, else why not.
/// </summary>
internal sealed class VonageApplicationJwtCheck(string applicationId, RSA publicKey, TimeProvider clock)
{
    private static readonly TimeSpan Skew = TimeSpan.FromSeconds(30);
    private readonly ConcurrentDictionary<string, byte> _seen = new(StringComparer.Ordinal);

    public string? Refusal(string authorization)
    {
        if (!authorization.StartsWith("Bearer ", StringComparison.Ordinal)) return "no bearer token";
        var parts = authorization[7..].Trim().Split('.');
        if (parts.Length != 3) return "not a JWT";
        byte[] header, claims, signature;
        try
        {
            header = Base64Url.DecodeFromChars(parts[0]);
            claims = Base64Url.DecodeFromChars(parts[1]);
            signature = Base64Url.DecodeFromChars(parts[2]);
        }
        catch (FormatException)
        {
            return "not base64url";
        }
        try
        {
            using var h = JsonDocument.Parse(header);
            if (!h.RootElement.TryGetProperty("alg", out var alg) || alg.GetString() != "RS256") return "alg is not RS256";
            if (!publicKey.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
                return "bad signature";
            using var c = JsonDocument.Parse(claims);
            var root = c.RootElement;
            if (!root.TryGetProperty("application_id", out var app) || app.GetString() != applicationId) return "wrong application_id";
            if (!root.TryGetProperty("iat", out var iat) || !iat.TryGetInt64(out var issued)) return "no iat";
            if (!root.TryGetProperty("jti", out var jti) || jti.GetString() is not { Length: > 0 } tokenId) return "no jti";
            var now = clock.GetUtcNow();
            if (DateTimeOffset.FromUnixTimeSeconds(issued) > now + Skew) return "iat in the future";
            if (root.TryGetProperty("exp", out var exp) && (!exp.TryGetInt64(out var expires) || DateTimeOffset.FromUnixTimeSeconds(expires) < now - Skew)) return "expired";
            if (!_seen.TryAdd(tokenId, 0)) return "jti replayed";
            return null;
        }
        catch (JsonException)
        {
            return "claims are not JSON";
        }
    }
}
