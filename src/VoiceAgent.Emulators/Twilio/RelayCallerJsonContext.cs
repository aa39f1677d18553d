using System.Text.Json.Serialization;

namespace VoiceAgent.Emulators.Twilio;

[JsonSerializable(typeof(Dictionary<string, object?>))]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(bool))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(string))]
internal sealed partial class RelayCallerJsonContext : JsonSerializerContext;
