using System.Text.Json;
using System.Text.Json.Serialization;

namespace VoiceAgent.Telephony.Vonage;

/// <summary>A Vonage text event: <c>websocket:connected</c> (with the NCCO headers flattened in), <c>websocket:dtmf</c>, <c>websocket:notify</c>, <c>websocket:cleared</c>.</summary>
internal sealed class VonageInboundEvent
{
    [JsonPropertyName("event")] public string? Event { get; set; }
    [JsonPropertyName("content-type")] public string? ContentType { get; set; }
    [JsonPropertyName("digit")] public string? Digit { get; set; }
    [JsonPropertyName("dtmf")] public JsonElement Dtmf { get; set; }
    [JsonPropertyName("payload")] public JsonElement Payload { get; set; }

    /// <summary>Everything else: the flattened NCCO headers on <c>websocket:connected</c>.</summary>
    [JsonExtensionData] public Dictionary<string, JsonElement>? Extra { get; set; }

    public string? Header(string name) => Extra is not null && Extra.TryGetValue(name, out var v)
        ? (v.ValueKind == JsonValueKind.String ? v.GetString() : v.ToString())
        : null;

    public string? DigitPressed => Digit ?? (Dtmf.ValueKind == JsonValueKind.Object && Dtmf.TryGetProperty("digit", out var d) ? d.GetString() : null);

    public string? MarkName => Payload.ValueKind == JsonValueKind.Object && Payload.TryGetProperty("mark", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
}

[JsonSerializable(typeof(VonageInboundEvent))]
[JsonSerializable(typeof(string))]
internal sealed partial class VonageJsonContext : JsonSerializerContext;
