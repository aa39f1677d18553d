using System.Text.Json.Serialization;

namespace VoiceAgent.Telephony.Vonage.Security;

/// <summary>The claims Vonage puts in a signed webhook's JWT (protocols/vonage-signed-webhooks.md §2).</summary>
internal sealed record VonageJwtClaims
{
    /// <summary>Issued-at, Unix seconds.</summary>
    [JsonPropertyName("iat")] public long? IssuedAt { get; init; }
    /// <summary>Unique token id (replay detection).</summary>
    [JsonPropertyName("jti")] public string? TokenId { get; init; }
    /// <summary>Always <c>Vonage</c>.</summary>
    [JsonPropertyName("iss")] public string? Issuer { get; init; }
    /// <summary>SHA-256 hex of the payload.</summary>
    [JsonPropertyName("payload_hash")] public string? PayloadHash { get; init; }
    [JsonPropertyName("api_key")] public string? ApiKey { get; init; }
    [JsonPropertyName("application_id")] public string? ApplicationId { get; init; }
}
