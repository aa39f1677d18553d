using System.Text.Json.Serialization;

namespace VoiceAgent.Conversation.Transcript;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CallRecord))]
public sealed partial class CallRecordJsonContext : JsonSerializerContext;
