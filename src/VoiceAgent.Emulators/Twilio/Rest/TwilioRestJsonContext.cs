using System.Text.Json.Serialization;

namespace VoiceAgent.Emulators.Twilio.Rest;

[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(string))]
internal sealed partial class TwilioRestJsonContext : JsonSerializerContext;
