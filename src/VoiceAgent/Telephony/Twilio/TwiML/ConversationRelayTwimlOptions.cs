namespace VoiceAgent.Telephony.Twilio.TwiML;

/// <summary>
/// What <see cref="ConversationRelayTwiml.Build"/> writes. Defaults: ElevenLabs TTS, Deepgram
/// <c>nova-3-general</c> STT, <c>en-US</c>, interruptible by any input, DTMF detection on. Null
/// optional values are omitted so Twilio's own defaults apply.
/// </summary>
public sealed record ConversationRelayTwimlOptions
{
    /// <summary>The WebSocket Twilio connects to (<c>url</c>): absolute <c>wss://</c> (<c>ws://</c> for local use).</summary>
    public required Uri Url { get; init; }

    /// <summary><c>&lt;Connect action&gt;</c>: requested with POST when the session ends.</summary>
    public Uri? ActionUrl { get; init; }

    public string? WelcomeGreeting { get; init; }
    public ConversationRelayInputMode? WelcomeGreetingInterruptible { get; init; }
    public string Language { get; init; } = "en-US";
    public string? TtsLanguage { get; init; }
    public string? TranscriptionLanguage { get; init; }
    public string TtsProvider { get; init; } = "ElevenLabs";

    /// <summary>Provider-specific voice (for ElevenLabs, the voice id, e.g. <c>ELEVENLABS_VOICE_ID</c>).</summary>
    public string? Voice { get; init; }

    public string TranscriptionProvider { get; init; } = "Deepgram";
    public string SpeechModel { get; init; } = "nova-3-general";
    public ConversationRelayInputMode Interruptible { get; init; } = ConversationRelayInputMode.Any;
    public ConversationRelayInterruptSensitivity? InterruptSensitivity { get; init; }
    public bool DtmfDetection { get; init; } = true;
    public bool? PartialPrompts { get; init; }
    public bool? Preemptible { get; init; }
    public bool? ProfanityFilter { get; init; }
    public ConversationRelayInputMode? ReportInputDuringAgentSpeech { get; init; }

    /// <summary>STT hint phrases (names, jargon), written comma-separated; none may contain a comma.</summary>
    public IReadOnlyList<string> Hints { get; init; } = [];

    /// <summary>Conversational Intelligence service SID (<c>GA…</c>) or unique name.</summary>
    public string? IntelligenceService { get; init; }

    public IReadOnlyList<ConversationRelayLanguage> Languages { get; init; } = [];

    /// <summary><c>&lt;Parameter&gt;</c> children, delivered as <c>customParameters</c> in <c>setup</c>. No PCI data.</summary>
    public IReadOnlyDictionary<string, string> Parameters { get; init; } = new Dictionary<string, string>();

    /// <summary>Every problem, each with its fix; empty when the options can be written.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        TwimlChecks.WebSocketUrl(Url, "Url", allowQuery: true, errors);
        TwimlChecks.HttpUrl(ActionUrl, "ActionUrl", errors);
        TwimlChecks.Text(WelcomeGreeting, "WelcomeGreeting", errors);
        TwimlChecks.Required(Language, "Language", errors);
        TwimlChecks.LanguageCode(Language, "Language", errors);
        TwimlChecks.LanguageCode(TtsLanguage, "TtsLanguage", errors);
        TwimlChecks.LanguageCode(TranscriptionLanguage, "TranscriptionLanguage", errors);
        TwimlChecks.Required(TtsProvider, "TtsProvider", errors);
        TwimlChecks.Text(Voice, "Voice", errors);
        TwimlChecks.Required(TranscriptionProvider, "TranscriptionProvider", errors);
        TwimlChecks.Required(SpeechModel, "SpeechModel", errors);
        TwimlChecks.Text(IntelligenceService, "IntelligenceService", errors);
        TwimlChecks.Defined<ConversationRelayInputMode>(Interruptible, "Interruptible", errors);
        TwimlChecks.Defined(WelcomeGreetingInterruptible, "WelcomeGreetingInterruptible", errors);
        TwimlChecks.Defined(ReportInputDuringAgentSpeech, "ReportInputDuringAgentSpeech", errors);
        TwimlChecks.Defined(InterruptSensitivity, "InterruptSensitivity", errors);

        if (Hints is null)
        {
            errors.Add("Hints must not be null; use an empty list for none.");
        }
        else
        {
            foreach (var hint in Hints)
            {
                if (string.IsNullOrWhiteSpace(hint) || hint.Contains(',', StringComparison.Ordinal))
                    errors.Add($"Hint '{hint}' must be non-blank and free of commas (hints are written comma-separated); split it into separate hints.");
                else TwimlChecks.Text(hint, "Hints", errors);
            }
        }

        if (Languages is null)
        {
            errors.Add("Languages must not be null; use an empty list for none.");
        }
        else
        {
            foreach (var language in Languages)
            {
                if (language is null)
                {
                    errors.Add("Languages contains a null entry; remove it.");
                    continue;
                }
                TwimlChecks.Required(language.Code, "Language.Code", errors);
                TwimlChecks.LanguageCode(language.Code, "Language.Code", errors);
                TwimlChecks.Text(language.TtsProvider, $"Language '{language.Code}' TtsProvider", errors);
                TwimlChecks.Text(language.Voice, $"Language '{language.Code}' Voice", errors);
                TwimlChecks.Text(language.TranscriptionProvider, $"Language '{language.Code}' TranscriptionProvider", errors);
                TwimlChecks.Text(language.SpeechModel, $"Language '{language.Code}' SpeechModel", errors);
            }
        }

        TwimlChecks.Parameters(Parameters, errors);
        return errors;
    }
}
