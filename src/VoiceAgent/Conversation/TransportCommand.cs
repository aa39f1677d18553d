namespace VoiceAgent.Conversation;

/// <summary>Something the conversation engine asks a transport to do.</summary>
public abstract record TransportCommand;

/// <summary>
/// Speak one token of reply <paramref name="ReplyId"/>. Tokens go out the moment the model produces them;
/// the final token of a reply has <paramref name="Last"/> set (it may be empty).
/// </summary>
public sealed record SpeakToken(string Token, bool Last, int ReplyId) : TransportCommand;

/// <summary>Play an audio file from a URL.</summary>
public sealed record PlayAudio(string Source, int Loop = 1) : TransportCommand;

/// <summary>Send DTMF digits to the far end (<c>w</c> = half-second pause).</summary>
public sealed record SendDigits(string Digits) : TransportCommand;

/// <summary>Switch the speech languages mid-call.</summary>
public sealed record SwitchLanguage(string? TtsLanguage, string? TranscriptionLanguage) : TransportCommand;

/// <summary>
/// The caller asked for a different pace. The engine applies <paramref name="Length"/> itself (reply-length instruction);
/// a transport declaring <see cref="CallCapabilities.SpeakingRate"/> receives <paramref name="Pace"/> and changes the voice speed.
/// </summary>
public sealed record ChangePacing(Tools.SpeechPace? Pace, Tools.ReplyLength? Length) : TransportCommand;

/// <summary>End the session; <paramref name="HandoffData"/> (JSON text) reaches the carrier's action callback.</summary>
public sealed record EndCall(string? HandoffData) : TransportCommand;

/// <summary>
/// A reply started speculatively (<see cref="SpeculativeUtterance"/>): <see cref="ReplyHoldStep.Hold"/> before its
/// first token (the transport may synthesise it but sends nothing to the caller), then exactly one of
/// <see cref="ReplyHoldStep.Release"/> (the turn was confirmed: speak it now) or <see cref="ReplyHoldStep.Drop"/>
/// (discarded: nothing of it is ever played). Sent only to transports that post <see cref="SpeculativeUtterance"/>.
/// </summary>
public sealed record ReplyHold(int ReplyId, ReplyHoldStep Step) : TransportCommand;

/// <summary>What happens to a held reply.</summary>
public enum ReplyHoldStep
{
    Hold,
    Release,
    Drop,
}
