using System.Text.Json.Serialization;

namespace VoiceAgent.Telephony.Vonage.Security;

[JsonSerializable(typeof(VonageJwtHeader))]
[JsonSerializable(typeof(VonageJwtClaims))]
internal sealed partial class VonageJwtJsonContext : JsonSerializerContext;
