using System.Text.Json.Serialization;

namespace VoiceAgent.Telephony.Vonage.Ncco;

/// <summary>The NCCO <c>connect</c> action (wire DTO).</summary>
internal sealed record NccoConnectAction
{
    [JsonPropertyName("action")]
    public string Action { get; init; } = "connect";

    /// <summary><c>synchronous</c> when <see cref="EventUrl"/> is set, so fallback events may return a new NCCO.</summary>
    [JsonPropertyName("eventType")]
    public string? EventType { get; init; }

    [JsonPropertyName("eventUrl")]
    public IReadOnlyList<string>? EventUrl { get; init; }

    [JsonPropertyName("endpoint")]
    public required IReadOnlyList<NccoWebSocketEndpoint> Endpoint { get; init; }
}
