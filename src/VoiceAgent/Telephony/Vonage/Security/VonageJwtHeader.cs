using System.Text.Json.Serialization;

namespace VoiceAgent.Telephony.Vonage.Security;

/// <summary>The JOSE header of a Vonage webhook JWT: <c>{"alg":"HS256","typ":"JWT"}</c>.</summary>
internal sealed record VonageJwtHeader
{
    [JsonPropertyName("alg")] public string? Algorithm { get; init; }
    [JsonPropertyName("typ")] public string? Type { get; init; }
}
