using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace VoiceAgent.Telephony.Vonage.Rest;

/// <summary>
/// The application JWT the Voice REST API takes as <c>Authorization: Bearer</c> (see docs/vonage.md for sources):
/// header <c>{"alg":"RS256","typ":"JWT"}</c>; claims <c>application_id</c>, <c>iat</c>, <c>jti</c> (unique per token) and
/// <c>exp</c>; RS256 with the application's private key. A fresh short-lived token per request: signing costs about a
/// millisecond and a hand-off makes two or three requests, so there is nothing worth caching.
/// </summary>
internal sealed class VonageApplicationToken(string applicationId, RSA privateKey, TimeProvider clock)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);
    private static readonly string Header = Base64Url.EncodeToString("""{"alg":"RS256","typ":"JWT"}"""u8);

    public string Mint()
    {
        var now = clock.GetUtcNow();
        using var claims = new MemoryStream();
        using (var w = new Utf8JsonWriter(claims))
        {
            w.WriteStartObject();
            w.WriteString("application_id", applicationId);
            w.WriteNumber("iat", now.ToUnixTimeSeconds());
            w.WriteString("jti", Guid.NewGuid().ToString());
            w.WriteNumber("exp", (now + Lifetime).ToUnixTimeSeconds());
            w.WriteEndObject();
        }
        var signingInput = Header + "." + Base64Url.EncodeToString(claims.ToArray());
        var signature = privateKey.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return signingInput + "." + Base64Url.EncodeToString(signature);
    }
}
