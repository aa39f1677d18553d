using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace VoiceAgent.Emulators.Vonage;

/// <summary>Source-generated JSON for the Vonage WebSocket text frames in both directions.</summary>
[JsonSerializable(typeof(ConnectedMessage))]
[JsonSerializable(typeof(DtmfMessage))]
[JsonSerializable(typeof(ClearedMessage))]
[JsonSerializable(typeof(NotifyMessage))]
[JsonSerializable(typeof(ServerCommand))]
internal sealed partial class VonageJsonContext : JsonSerializerContext
{
    /// <summary>
    /// Writes <c>+</c> (phone numbers in headers) and other HTML-sensitive characters literally, as Vonage's
    /// frames do, instead of the default <c>\u002B</c> escapes. Immutable once built.
    /// </summary>
    public static VonageJsonContext Wire { get; } = new(new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
}
