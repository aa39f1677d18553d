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
