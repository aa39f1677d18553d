using System.Text.Json.Serialization;

namespace VoiceAgent.Conversation;

[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class ConversationJsonContext : JsonSerializerContext;
