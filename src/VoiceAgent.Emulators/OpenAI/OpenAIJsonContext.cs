using System.Text.Json.Serialization;

namespace VoiceAgent.Emulators.OpenAI;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(OpenAIWireRequest))]
[JsonSerializable(typeof(List<OpenAIWireContentPart>))]
[JsonSerializable(typeof(OpenAIChunk<OpenAIRoleTextDelta>))]
[JsonSerializable(typeof(OpenAIChunk<OpenAIRoleToolDelta>))]
[JsonSerializable(typeof(OpenAIChunk<OpenAIContentDelta>))]
[JsonSerializable(typeof(OpenAIChunk<OpenAIToolCallsDelta>))]
[JsonSerializable(typeof(OpenAIChunk<OpenAIEmptyDelta>))]
[JsonSerializable(typeof(OpenAICompletionDto))]
[JsonSerializable(typeof(OpenAIErrorEnvelope))]
internal sealed partial class OpenAIJsonContext : JsonSerializerContext;
