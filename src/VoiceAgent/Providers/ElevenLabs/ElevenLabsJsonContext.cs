using System.Text.Json.Serialization;

namespace VoiceAgent.Providers.ElevenLabs;

/// <summary>Source-generated (de)serializers for every stream-input frame.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(BeginStreamFrame))]
[JsonSerializable(typeof(TextFrame))]
[JsonSerializable(typeof(ServerFrame))]
internal sealed partial class ElevenLabsJsonContext : JsonSerializerContext;
