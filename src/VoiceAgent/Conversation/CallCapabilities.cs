namespace VoiceAgent.Conversation;

/// <summary>
/// The call-control commands a transport actually carries out, beyond speaking and ending the call (which
/// every transport does). The model is offered only the tools whose command the call's transport declares,
/// so it is never told "done" for something that did not happen.
/// </summary>
[Flags]
public enum CallCapabilities
{
    /// <summary>Speak and end the call only.</summary>
    None = 0,

    /// <summary>Carries out <see cref="Conversation.SwitchLanguage"/> (speech recognition and synthesis change language).</summary>
    SwitchLanguage = 1,

    /// <summary>Carries out <see cref="Conversation.SendDigits"/> (DTMF tones reach the far end).</summary>
    SendDigits = 2,

    /// <summary>Carries out <see cref="Conversation.PlayAudio"/> (an audio URL is played into the call).</summary>
    PlayAudio = 4,

    /// <summary>Carries out the voice-speed part of <see cref="Conversation.ChangePacing"/> (audio path: the TTS voice speed).</summary>
    SpeakingRate = 8,
}
