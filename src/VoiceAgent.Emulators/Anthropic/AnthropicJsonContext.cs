using System.Text.Json.Serialization;

namespace VoiceAgent.Emulators.Anthropic;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(AnthropicWireRequest))]
[JsonSerializable(typeof(List<AnthropicWireContentBlock>))]
[JsonSerializable(typeof(AnthropicMessageStartEvent))]
[JsonSerializable(typeof(AnthropicMessageDto))]
[JsonSerializable(typeof(AnthropicContentBlockStartEvent))]
[JsonSerializable(typeof(AnthropicPingEvent))]
[JsonSerializable(typeof(AnthropicContentBlockDeltaEvent))]
[JsonSerializable(typeof(AnthropicContentBlockStopEvent))]
[JsonSerializable(typeof(AnthropicMessageDeltaEvent))]
[JsonSerializable(typeof(AnthropicMessageStopEvent))]
[JsonSerializable(typeof(AnthropicErrorEnvelope))]
internal sealed partial class AnthropicJsonContext : JsonSerializerContext;
