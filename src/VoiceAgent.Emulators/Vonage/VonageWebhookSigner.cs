using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace VoiceAgent.Emulators.Vonage;

/// <summary>
/// Mints the JWT Vonage puts in <c>Authorization: Bearer</c> on a signed webhook (protocols/vonage-signed-webhooks.md):
/// header <c>{"alg":"HS256","typ":"JWT"}</c>; claims <c>iat</c>, <c>jti</c>, <c>iss</c> = Vonage, <c>payload_hash</c>
/// (SHA-256 hex of the payload), <c>api_key</c>, <c>application_id</c>; HMAC-SHA256 with the signature secret.
/// </summary>
public static class VonageWebhookSigner
{
    /// <summary>The example API key of Vonage's documentation.</summary>
    public const string DefaultApiKey = "a1b2c3d4";

    private static readonly JsonSerializerOptions CompactJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>A signed token for <paramref name="payload"/> (null: no <c>payload_hash</c> claim).</summary>
    public static string Sign(string signatureSecret, ReadOnlySpan<byte> payload, DateTimeOffset issuedAt, string? tokenId = null, string apiKey = DefaultApiKey, string? applicationId = null, bool includePayloadHash = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(signatureSecret);
        var claims = new JsonObject
        {
            ["iat"] = issuedAt.ToUnixTimeSeconds(),
            ["jti"] = tokenId ?? Guid.NewGuid().ToString(),
            ["iss"] = "Vonage",
        };
        if (includePayloadHash) claims["payload_hash"] = Convert.ToHexStringLower(SHA256.HashData(payload));
        claims["api_key"] = apiKey;
        if (applicationId is not null) claims["application_id"] = applicationId;
        return SignClaims(signatureSecret, """{"alg":"HS256","typ":"JWT"}""", claims.ToJsonString(CompactJson));
    }

    /// <summary>Signs arbitrary header and claims JSON (for tests of malformed tokens).</summary>
    public static string SignClaims(string signatureSecret, string headerJson, string claimsJson)
    {
        var signingInput = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(headerJson)) + "." + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(claimsJson));
        var signature = HMACSHA256.HashData(Encoding.UTF8.GetBytes(signatureSecret), Encoding.ASCII.GetBytes(signingInput));
        return signingInput + "." + Base64Url.EncodeToString(signature);
    }

    /// <summary>What Vonage hashes for a GET webhook: the query parameters, in order, as compact JSON of strings.</summary>
    public static byte[] QueryPayload(IEnumerable<KeyValuePair<string, string>> query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var json = new JsonObject();
        foreach (var (name, value) in query) json[name] = value;
        return Encoding.UTF8.GetBytes(json.ToJsonString(CompactJson));
    }
}
