using System.Text.Json;
using System.Text.Json.Serialization;

namespace VoiceAgent.Telephony.ConversationRelay;

/// <summary>
/// Every field of every ConversationRelay message Twilio sends (setup, prompt, interrupt, dtmf, error, info),
/// discriminated by <see cref="Type"/>. Unknown fields are ignored; numeric fields that Twilio has been seen
/// to send as strings are read as raw JSON.
/// </summary>
internal sealed class RelayInboundMessage
{
    [JsonPropertyName("type")] public string? Type { get; init; }

    // setup
    [JsonPropertyName("sessionId")] public string? SessionId { get; init; }
    [JsonPropertyName("accountSid")] public string? AccountSid { get; init; }
    [JsonPropertyName("callSid")] public string? CallSid { get; init; }
    [JsonPropertyName("from")] public string? From { get; init; }
    [JsonPropertyName("to")] public string? To { get; init; }
    [JsonPropertyName("direction")] public string? Direction { get; init; }
    [JsonPropertyName("customParameters")] public Dictionary<string, string>? CustomParameters { get; init; }

    // prompt
    [JsonPropertyName("voicePrompt")] public string? VoicePrompt { get; init; }
    [JsonPropertyName("lang")] public string? Lang { get; init; }
    [JsonPropertyName("last")] public bool? Last { get; init; }

    // interrupt
    [JsonPropertyName("utteranceUntilInterrupt")] public string? UtteranceUntilInterrupt { get; init; }
    [JsonPropertyName("durationUntilInterruptMs")] public JsonElement DurationUntilInterruptMs { get; init; }

    // dtmf
    [JsonPropertyName("digit")] public string? Digit { get; init; }

    // error
    [JsonPropertyName("description")] public string? Description { get; init; }

    // info
    [JsonPropertyName("name")] public string? Name { get; init; }
    [JsonPropertyName("value")] public string? Value { get; init; }
}
