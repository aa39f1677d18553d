using System.Text.Json.Serialization;

namespace VoiceAgent.Storage.Sessions;

[JsonSourceGenerationOptions(UseStringEnumConverter = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SessionSnapshot))]
internal sealed partial class SessionJsonContext : JsonSerializerContext;
