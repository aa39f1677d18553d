using System.Text.Json.Serialization;

namespace VoiceAgent.Telephony.Vonage.Ncco;

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(IReadOnlyList<NccoConnectAction>))]
[JsonSerializable(typeof(IReadOnlyDictionary<string, string>))]
internal sealed partial class VonageNccoJsonContext : JsonSerializerContext;
