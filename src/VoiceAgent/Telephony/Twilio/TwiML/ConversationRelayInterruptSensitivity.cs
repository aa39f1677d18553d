namespace VoiceAgent.Telephony.Twilio.TwiML;

/// <summary>How readily caller speech interrupts playback (<c>interruptSensitivity</c>).</summary>
public enum ConversationRelayInterruptSensitivity
{
    /// <summary><c>low</c></summary>
    Low,

    /// <summary><c>medium</c></summary>
    Medium,

    /// <summary><c>high</c> (Twilio's default)</summary>
    High,
}
