using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace VoiceAgent.Emulators.Twilio.MediaStreams;

/// <summary>Source-generated JSON for the Media Streams frames in both directions.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ConnectedMessage))]
[JsonSerializable(typeof(StartMessage))]
[JsonSerializable(typeof(MediaMessage))]
[JsonSerializable(typeof(DtmfMessage))]
[JsonSerializable(typeof(MarkMessage))]
[JsonSerializable(typeof(StopMessage))]
[JsonSerializable(typeof(MediaStreamsServerMessage))]
internal sealed partial class MediaStreamsJsonContext : JsonSerializerContext
{
    /// <summary>
    /// Writes <c>+</c> (base64, phone numbers) and other HTML-sensitive characters literally, as Twilio's frames
    /// do, instead of the default <c>\u002B</c> escapes. Immutable once built.
    /// </summary>
    public static MediaStreamsJsonContext Wire { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
