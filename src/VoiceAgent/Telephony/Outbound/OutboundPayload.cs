using System.Text.Json.Serialization;

namespace VoiceAgent.Telephony.Outbound;

/// <summary>What is kept sealed about an outbound call or campaign entry: the number and the call's context.</summary>
internal sealed record OutboundPayload(string To, IReadOnlyDictionary<string, string> Context);

[JsonSerializable(typeof(OutboundPayload))]
internal sealed partial class OutboundJsonContext : JsonSerializerContext;
