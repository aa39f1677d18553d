using System.Text.Json.Serialization;

namespace VoiceAgent.Telephony.ConversationRelay;

[JsonSourceGenerationOptions(PropertyNameCaseInsensitive = false, AllowTrailingCommas = false)]
[JsonSerializable(typeof(RelayInboundMessage))]
internal sealed partial class RelayJsonContext : JsonSerializerContext;
