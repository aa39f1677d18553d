namespace VoiceAgent.Conversation;

/// <summary>What the carrier told us about a call when it connected.</summary>
/// <param name="CallSid">Carrier call id (Twilio <c>CA…</c>, Vonage uuid).</param>
/// <param name="From">Caller number, when known.</param>
/// <param name="To">Called number, when known.</param>
/// <param name="Parameters">Custom parameters (TwiML <c>&lt;Parameter&gt;</c>, Vonage headers).</param>
public sealed record CallInfo(
    string CallSid,
    string? From,
    string? To,
    IReadOnlyDictionary<string, string> Parameters)
{
    /// <summary>ConversationRelay session id (<c>VX…</c>) or Media Streams stream sid (<c>MZ…</c>).</summary>
    public string? SessionId { get; init; }
    public string? AccountSid { get; init; }
    public string? Direction { get; init; }
    /// <summary>BCP-47 language of the call, when the transport knows it.</summary>
    public string? Language { get; init; }
}
