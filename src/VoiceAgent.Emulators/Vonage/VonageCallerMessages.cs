using System.Text.Json;
using System.Text.Json.Serialization;

namespace VoiceAgent.Emulators.Vonage;

// Vonage → server text frames, field for field as in protocols/vonage-voice-websocket.md §2.

/// <summary>
/// First frame: <c>{"event":"websocket:connected","content-type":"audio/l16;rate=16000",…headers}</c>, the NCCO
/// <c>headers</c> flattened to the top level.
/// </summary>
internal sealed class ConnectedMessage
{
    [JsonPropertyName("event")]
    public string Event { get; init; } = "websocket:connected";

    [JsonPropertyName("content-type")]
    public string ContentType { get; set; } = "";

    // Settable, not init: System.Text.Json cannot bind extension data through a constructor. A dictionary of
    // elements, not a JsonObject: the source generator writes a JsonObject extension as a nested object.
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Headers { get; set; }
}

/// <summary><c>{"event":"websocket:dtmf","digit":"5","duration":260}</c></summary>
internal sealed record DtmfMessage(
    [property: JsonPropertyName("event")] string Event,
    [property: JsonPropertyName("digit")] string Digit,
    [property: JsonPropertyName("duration")] int Duration);

/// <summary><c>{"event":"websocket:cleared"}</c>, the answer to <c>{"action":"clear"}</c>.</summary>
internal sealed record ClearedMessage([property: JsonPropertyName("event")] string Event);

/// <summary><c>{"event":"websocket:notify","payload":{…}}</c>, echoing a <c>notify</c> once its audio has played.</summary>
internal sealed record NotifyMessage(
    [property: JsonPropertyName("event")] string Event,
    [property: JsonPropertyName("payload")] JsonElement Payload);

/// <summary>A server → Vonage text frame: <c>{"action":"clear"}</c> or <c>{"action":"notify","payload":{…}}</c>.</summary>
internal sealed class ServerCommand
{
    [JsonPropertyName("action")]
    public string? Action { get; init; }

    [JsonPropertyName("payload")]
    public JsonElement? Payload { get; init; }

    [JsonPropertyName("event")]
    public string? Event { get; init; }
}
