namespace VoiceAgent.Telephony.Twilio.Transfer;

/// <summary>Who the warm transfer dials and what the caller hears around it.</summary>
internal sealed record WarmTransferOptions
{
    /// <summary>The human agent's E.164 number (<c>TRANSFER_NUMBER</c>); null: no one to transfer to, voicemail instead.</summary>
    public string? AgentNumber { get; init; }

    /// <summary>Caller id of the agent leg (<c>TRANSFER_CALLER_ID</c>); null uses the number the caller dialled.</summary>
    public string? CallerId { get; init; }

    /// <summary>The public origin Twilio calls back (status and voicemail callbacks).</summary>
    public required Uri PublicBaseUrl { get; init; }

    /// <summary>Audio the caller hears in the conference until the agent joins (<c>HOLD_MUSIC_URL</c>); null: Twilio's default.</summary>
    public string? HoldMusicUrl { get; init; }

    /// <summary>How long the agent's phone rings before it counts as no answer (<c>TRANSFER_RING_TIMEOUT_SECONDS</c>).</summary>
    public int RingTimeoutSeconds { get; init; } = 20;

    /// <summary>Said to the caller when no person can be reached; it offers a message and a call back (<c>TRANSFER_UNAVAILABLE_LINE</c>).</summary>
    public string UnavailableLine { get; init; } = "Sorry, no one is available to take your call right now. Please leave your name, number and a short message after the tone, and we will call you back.";

    /// <summary>Longest voicemail in seconds (<c>TRANSFER_VOICEMAIL_MAX_SECONDS</c>).</summary>
    public int VoicemailMaxSeconds { get; init; } = 120;

    /// <summary>Said after the message was recorded.</summary>
    public string VoicemailThanksLine { get; init; } = "Thank you. We will call you back as soon as we can. Goodbye.";
}
