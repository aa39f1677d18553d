using VoiceAgent.Conversation;

namespace VoiceAgent.Telephony.ConversationRelay;

/// <summary>What one inbound frame turned into: an event, something to ignore quietly, or a rejection with its reason.</summary>
internal readonly record struct RelayParseResult(ConversationEvent? Event, string? Rejection, RelayIgnoredFrame? Ignored)
{
    public static RelayParseResult Of(ConversationEvent e) => new(e, null, null);
    public static RelayParseResult Reject(string reason) => new(null, reason, null);
    public static RelayParseResult Ignore(RelayIgnoredFrame what) => new(null, null, what);
}
