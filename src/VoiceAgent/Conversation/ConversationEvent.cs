namespace VoiceAgent.Conversation;

/// <summary>
/// Something a transport tells the conversation engine. Every event carries the monotonic
/// timestamp (<see cref="TimeProvider.GetTimestamp"/> of the call's clock) at which the transport
/// received it from the socket, so the turn timeline starts at the wire.
/// </summary>
public abstract record ConversationEvent
{
    /// <summary>Monotonic receive time (TimeProvider ticks); 0 when unknown.</summary>
    public long ReceivedAt { get; init; }
}

/// <summary>The call is connected (ConversationRelay <c>setup</c>, Media Streams <c>start</c>, Vonage <c>websocket:connected</c>).</summary>
public sealed record CallStarted(CallInfo Call) : ConversationEvent
{
    /// <summary>The session store's answer for this call when the transport already read it (audio path); null: the engine reads it.</summary>
    internal Storage.Sessions.SessionLookup? Lookup { get; init; }
}

/// <summary>The caller said something. Only <paramref name="IsFinal"/> utterances start a turn.</summary>
public sealed record UserSaid(string Text, bool IsFinal, double? Confidence = null, string? Language = null) : ConversationEvent
{
    /// <summary>Audio path: when our VAD heard the caller stop speaking (TimeProvider ticks; 0 = unknown).</summary>
    public long SpeechEndedAt { get; init; }
}

/// <summary>
/// The caller talked over the agent and playback stopped. <paramref name="HeardText"/> is the part of the
/// agent's reply that was actually played (null when the transport cannot tell).
/// </summary>
public sealed record UserInterrupted(string? HeardText, TimeSpan? HeardDuration) : ConversationEvent;

/// <summary>
/// Audio path: what looked like barge-in produced no words (a cough, a knock). The reply that was cut
/// should carry on from where the caller stopped hearing it.
/// </summary>
public sealed record FalseInterruption : ConversationEvent;

/// <summary>The caller pressed a key on the keypad.</summary>
public sealed record DigitPressed(string Digit) : ConversationEvent;

/// <summary>The carrier reported an error about something we sent; the call continues.</summary>
public sealed record TransportError(string Description) : ConversationEvent;

/// <summary>
/// Audio path: speech recognition or synthesis failed for good (the provider could not be reached again), so the
/// agent can no longer hear or no longer speak to the caller. The engine stops the reply, apologises through
/// whatever voice is left and hands the call off; the call never stays open deaf or mute.
/// </summary>
public sealed record SpeechUnavailable(string Reason) : ConversationEvent;

/// <summary>The call is over (socket closed, <c>stop</c>, hang-up).</summary>
public sealed record CallEnded(string Reason) : ConversationEvent;

/// <summary>The call reached its maximum length: the agent says goodbye and ends it.</summary>
public sealed record CallTimeLimitReached : ConversationEvent;

/// <summary>
/// Audio path: the caller's words so far look like a whole turn (a stable transcript), but the end of the turn is not
/// confirmed yet. The engine may start the model on <paramref name="Text"/> at once; the reply is held by the transport
/// (<see cref="ReplyHold"/>) and only spoken when a <see cref="UserSaid"/> with the same words confirms the turn.
/// </summary>
public sealed record SpeculativeUtterance(string Text) : ConversationEvent;

/// <summary>Audio path: the caller went on (or the words were dropped): a reply started on a <see cref="SpeculativeUtterance"/> is discarded.</summary>
public sealed record SpeculationWithdrawn : ConversationEvent;
