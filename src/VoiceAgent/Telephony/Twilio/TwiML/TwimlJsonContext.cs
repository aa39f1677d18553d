using System.Text.Json.Serialization;

namespace VoiceAgent.Telephony.Twilio.TwiML;

[JsonSerializable(typeof(HandoffPayload))]
internal sealed partial class TwimlJsonContext : JsonSerializerContext;
