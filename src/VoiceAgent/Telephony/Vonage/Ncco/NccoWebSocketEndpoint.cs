using System.Text.Json.Serialization;

namespace VoiceAgent.Telephony.Vonage.Ncco;

/// <summary>A <c>websocket</c> endpoint of the NCCO <c>connect</c> action (wire DTO).</summary>
internal sealed record NccoWebSocketEndpoint
{
    [JsonPropertyName("type")]
    public string Type { get; init; } = "websocket";

    [JsonPropertyName("uri")]
    public required string Uri { get; init; }

    [JsonPropertyName("content-type")]
    public required string ContentType { get; init; }

    /// <summary>Echoed, flattened to top level, in the first <c>websocket:connected</c> frame. At most 512 bytes.</summary>
    [JsonPropertyName("headers")]
    public IReadOnlyDictionary<string, string>? Headers { get; init; }
}
