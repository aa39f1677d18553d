namespace VoiceAgent.Conversation;

/// <summary>Posted by a turn to its own call's mailbox when it ends by itself (not cut).</summary>
internal sealed record TurnFinished(ReplyHandle Reply, TurnResult Result) : ConversationEvent;
