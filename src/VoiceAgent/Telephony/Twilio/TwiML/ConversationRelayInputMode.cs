namespace VoiceAgent.Telephony.Twilio.TwiML;

/// <summary>Which caller input counts (<c>interruptible</c>, <c>welcomeGreetingInterruptible</c>, <c>reportInputDuringAgentSpeech</c>).</summary>
public enum ConversationRelayInputMode
{
    /// <summary><c>none</c></summary>
    None,

    /// <summary><c>dtmf</c>: keypresses only.</summary>
    Dtmf,

    /// <summary><c>speech</c>: speech only.</summary>
    Speech,

    /// <summary><c>any</c>: speech or keypresses.</summary>
    Any,
}
