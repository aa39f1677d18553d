namespace VoiceAgent.Telephony.Twilio.TwiML;

/// <summary>
/// A <c>&lt;Language&gt;</c> child: provider and voice preset for one language, so a later switch to it
/// is instant. Unset attributes inherit from <c>&lt;ConversationRelay&gt;</c>.
/// </summary>
/// <param name="Code">BCP-47 tag, e.g. <c>es-US</c>.</param>
public sealed record ConversationRelayLanguage(string Code)
{
    public string? TtsProvider { get; init; }
    public string? Voice { get; init; }
    public string? TranscriptionProvider { get; init; }
    public string? SpeechModel { get; init; }
}
