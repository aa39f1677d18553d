using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace VoiceAgent.Tests.EmulatorsTests.TestServer;

/// <summary>One message the test server received, with its Stopwatch arrival timestamp.</summary>
internal sealed record ServerReceivedMessage(WebSocketMessageType Type, byte[] Data, long ReceivedAt)
{
    public string Text => Encoding.UTF8.GetString(Data);

    /// <summary>The JSON of a text message (a fresh document; dispose not needed for tests).</summary>
    public JsonElement Json => JsonDocument.Parse(Data).RootElement;

    /// <summary>The <c>event</c> of a JSON text message, or null.</summary>
    public string? Event => Type == WebSocketMessageType.Text && Json.TryGetProperty("event", out var e) ? e.GetString() : null;
}
