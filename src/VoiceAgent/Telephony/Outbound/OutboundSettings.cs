using VoiceAgent.Hosting;

namespace VoiceAgent.Telephony.Outbound;

/// <summary>
/// Outbound calls and the campaign queue: where calls come from, how answering machines are detected, what is
/// said first and on a voicemail, and how the queue paces, retries and respects calling hours. Read once at start-up
/// with the other settings and validated with them.
/// </summary>
public sealed record OutboundSettings
{
    /// <summary><c>TWILIO_CALLER_ID</c>: the number outbound calls come from; null refuses outbound calls.</summary>
    public string? CallerId { get; init; }
    /// <summary><c>OUTBOUND_TRANSPORT</c>: <c>relay</c> (ConversationRelay) or <c>media</c> (Media Streams) when a request names none.</summary>
    public string DefaultTransport { get; init; } = "relay";
    /// <summary><c>OUTBOUND_RING_TIMEOUT_SECONDS</c>: Twilio's <c>Timeout</c>, how long it rings before no-answer (5..600).</summary>
    public int RingTimeoutSeconds { get; init; } = 30;
    /// <summary><c>OUTBOUND_MACHINE_DETECTION</c>: <c>DetectMessageEnd</c> (voicemail after the beep), <c>Enable</c>, or <c>off</c>.</summary>
    public string MachineDetection { get; init; } = "DetectMessageEnd";
    /// <summary><c>OUTBOUND_MACHINE_DETECTION_TIMEOUT_SECONDS</c>: Twilio's <c>MachineDetectionTimeout</c> (3..59).</summary>
    public int MachineDetectionTimeoutSeconds { get; init; } = 30;
    /// <summary><c>OUTBOUND_OPENING</c>: the first line a person hears; <c>{name}</c>, <c>{reason}</c> or any context key come from the call's context; a <c>[…]</c> part is dropped when a placeholder in it is empty.</summary>
    public string Opening { get; init; } = "Hi[ {name}], this is the virtual assistant calling[ about {reason}]. Is now a good time to talk?";
    /// <summary><c>OUTBOUND_VOICEMAIL</c>: the message left after the beep; same placeholders.</summary>
    public string Voicemail { get; init; } = "Hi[ {name}], this is the virtual assistant calling[ about {reason}]. Please call us back when it suits you. Goodbye.";
    /// <summary><c>OUTBOUND_VOICEMAIL_BY_MODEL</c>: the model writes the voicemail from the call's context (falls back to <see cref="Voicemail"/>).</summary>
    public bool VoicemailByModel { get; init; }
    /// <summary><c>OUTBOUND_GREETING_MACHINE_MS</c>: on the audio path, unbroken speech this long at answer is a machine's greeting (our second opinion).</summary>
    public int GreetingMachineMs { get; init; } = 3500;

    /// <summary><c>CAMPAIGN_ENABLED</c>: this instance drains the campaign queue.</summary>
    public bool CampaignEnabled { get; init; } = true;
    /// <summary><c>CAMPAIGN_CONCURRENCY</c>: calls of the queue in progress at once, across all instances.</summary>
    public int CampaignConcurrency { get; init; } = 2;
    /// <summary><c>CAMPAIGN_MAX_ATTEMPTS</c>: dials per entry before a busy / no-answer entry is given up.</summary>
    public int CampaignMaxAttempts { get; init; } = 3;
    /// <summary><c>CAMPAIGN_RETRY_DELAY_SECONDS</c>: wait after busy or no-answer before the next attempt.</summary>
    public int CampaignRetryDelaySeconds { get; init; } = 900;
    /// <summary><c>CAMPAIGN_CALLING_HOURS</c>: local window <c>HH:mm-HH:mm</c> in the entry's time zone.</summary>
    public string CampaignCallingHours { get; init; } = "09:00-20:00";
    /// <summary><c>CAMPAIGN_TIME_ZONE</c>: IANA zone for entries that name none.</summary>
    public string CampaignTimeZone { get; init; } = "UTC";
    /// <summary><c>CAMPAIGN_POLL_MS</c>: how often the queue is looked at for due entries.</summary>
    public int CampaignPollMs { get; init; } = 1000;
    /// <summary><c>CAMPAIGN_LEASE_SECONDS</c>: a claimed entry whose dial never got a call id returns to the queue after this (a crashed instance).</summary>
    public int CampaignLeaseSeconds { get; init; } = 120;

    internal static OutboundSettings Read(SettingReader r)
    {
        var d = new OutboundSettings();
        return new OutboundSettings
        {
            CallerId = r.String("TWILIO_CALLER_ID"),
            DefaultTransport = r.String("OUTBOUND_TRANSPORT")?.ToLowerInvariant() ?? d.DefaultTransport,
            RingTimeoutSeconds = r.Int("OUTBOUND_RING_TIMEOUT_SECONDS", d.RingTimeoutSeconds),
            MachineDetection = r.String("OUTBOUND_MACHINE_DETECTION") ?? d.MachineDetection,
            MachineDetectionTimeoutSeconds = r.Int("OUTBOUND_MACHINE_DETECTION_TIMEOUT_SECONDS", d.MachineDetectionTimeoutSeconds),
            Opening = r.String("OUTBOUND_OPENING") ?? d.Opening,
            Voicemail = r.String("OUTBOUND_VOICEMAIL") ?? d.Voicemail,
            VoicemailByModel = r.Bool("OUTBOUND_VOICEMAIL_BY_MODEL", d.VoicemailByModel),
            GreetingMachineMs = r.Int("OUTBOUND_GREETING_MACHINE_MS", d.GreetingMachineMs),
            CampaignEnabled = r.Bool("CAMPAIGN_ENABLED", d.CampaignEnabled),
            CampaignConcurrency = r.Int("CAMPAIGN_CONCURRENCY", d.CampaignConcurrency),
            CampaignMaxAttempts = r.Int("CAMPAIGN_MAX_ATTEMPTS", d.CampaignMaxAttempts),
            CampaignRetryDelaySeconds = r.Int("CAMPAIGN_RETRY_DELAY_SECONDS", d.CampaignRetryDelaySeconds),
            CampaignCallingHours = r.String("CAMPAIGN_CALLING_HOURS") ?? d.CampaignCallingHours,
            CampaignTimeZone = r.String("CAMPAIGN_TIME_ZONE") ?? d.CampaignTimeZone,
            CampaignPollMs = r.Int("CAMPAIGN_POLL_MS", d.CampaignPollMs),
            CampaignLeaseSeconds = r.Int("CAMPAIGN_LEASE_SECONDS", d.CampaignLeaseSeconds),
        };
    }

    /// <summary>Every error with a hint; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (CallerId is not null && !PhoneNumber.IsE164(CallerId))
            errors.Add($"TWILIO_CALLER_ID must be an E.164 number such as +15005550006 (got a value of {CallerId.Length} characters).");
        if (DefaultTransport is not ("relay" or "media")) errors.Add($"OUTBOUND_TRANSPORT must be 'relay' or 'media' (got '{DefaultTransport}').");
        SettingChecks.InRange(errors, "OUTBOUND_RING_TIMEOUT_SECONDS", RingTimeoutSeconds, 5, 600, example: 30);
        if (MachineDetection is not ("DetectMessageEnd" or "Enable" or "off"))
            errors.Add($"OUTBOUND_MACHINE_DETECTION must be DetectMessageEnd, Enable or off (got '{MachineDetection}').");
        SettingChecks.InRange(errors, "OUTBOUND_MACHINE_DETECTION_TIMEOUT_SECONDS", MachineDetectionTimeoutSeconds, 3, 59);
        SettingChecks.NotBlank(errors, "OUTBOUND_OPENING", Opening, "a person answering would hear silence.");
        SettingChecks.NotBlank(errors, "OUTBOUND_VOICEMAIL", Voicemail, "set the message left on answering machines.");
        if (Voicemail.Length > 1000) errors.Add($"OUTBOUND_VOICEMAIL must be at most 1000 characters (got {Voicemail.Length}).");
        SettingChecks.InRange(errors, "OUTBOUND_GREETING_MACHINE_MS", GreetingMachineMs, 1000, 20000, example: 3500);
        SettingChecks.InRange(errors, "CAMPAIGN_CONCURRENCY", CampaignConcurrency, 1, 1000);
        SettingChecks.InRange(errors, "CAMPAIGN_MAX_ATTEMPTS", CampaignMaxAttempts, 1, 20);
        SettingChecks.InRange(errors, "CAMPAIGN_RETRY_DELAY_SECONDS", CampaignRetryDelaySeconds, 0, 7 * 86400);
        if (!CallingHours.TryParse(CampaignCallingHours, out _)) errors.Add($"CAMPAIGN_CALLING_HOURS must be HH:mm-HH:mm in 24-hour time, e.g. 09:00-20:00 (got '{CampaignCallingHours}').");
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(CampaignTimeZone, out _)) errors.Add($"CAMPAIGN_TIME_ZONE must be an IANA time zone such as Europe/Paris (got '{CampaignTimeZone}').");
        SettingChecks.InRange(errors, "CAMPAIGN_POLL_MS", CampaignPollMs, 10, 600000, example: 1000);
        SettingChecks.InRange(errors, "CAMPAIGN_LEASE_SECONDS", CampaignLeaseSeconds, 10, 3600);
        return errors;
    }

    /// <summary>The machine-detection mode as Twilio names it; null when off.</summary>
    public string? TwilioMachineDetection => MachineDetection == "off" ? null : MachineDetection;
}
