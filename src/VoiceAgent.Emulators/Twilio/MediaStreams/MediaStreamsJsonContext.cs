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
internal sealed partial class MediaStreamsJsonContext : JsonSerializerContext;
