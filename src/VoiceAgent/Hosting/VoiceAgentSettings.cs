using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace VoiceAgent.Hosting;

/// <summary>
/// Every setting the server reads, by the names in CONTRACT.md. Each can be set as an environment variable
/// or as a top-level key in appsettings.json (the environment wins). Read once at start-up and validated.
/// </summary>
public sealed record VoiceAgentSettings
{
    public string PublicBaseUrl { get; init; } = "http://127.0.0.1:8080";
    public string? TwilioAccountSid { get; init; }
    public string? TwilioAuthToken { get; init; }
    public string TwilioApiBaseUrl { get; init; } = "https://api.twilio.com";
    /// <summary>Extra AccountSids whose calls are accepted (the configured one always is).</summary>
    public IReadOnlyList<string> TwilioAllowedAccountSids { get; init; } = [];
    public bool DevBypassSignature { get; init; }
    /// <summary>
    /// Serve providers without a key from the built-in local emulators (announced at start-up). Off by default:
    /// with any provider key set the server never talks to an emulator; with none it runs fully offline.
    /// </summary>
    public bool UseEmulators { get; init; }
    /// <summary>Account signature secret verifying Vonage's signed webhooks (HS256 JWT); null refuses Vonage calls (offline: a generated one).</summary>
    public string? VonageSignatureSecret { get; init; }

    /// <summary><c>anthropic</c> or <c>openai</c>; null picks Anthropic when its key is set, else OpenAI when its key is set.</summary>
    public string? LlmProvider { get; init; }
    public string? AnthropicApiKey { get; init; }
    public string AnthropicBaseUrl { get; init; } = "https://api.anthropic.com";
    public string AnthropicModel { get; init; } = "claude-haiku-4-5";
    public int AnthropicMaxTokens { get; init; } = 300;
    public string? OpenAIApiKey { get; init; }
    public string OpenAIBaseUrl { get; init; } = "https://api.openai.com/v1";
    public string OpenAIModel { get; init; } = "gpt-4o";
    public int OpenAIMaxTokens { get; init; } = 120;
    /// <summary>No first token by then: race a second request (same provider, or <see cref="LlmFallbackProvider"/>).</summary>
    public TimeSpan ModelFirstTokenTimeout { get; init; } = TimeSpan.FromMilliseconds(800);
    /// <summary>A model request with no first token by then is abandoned; null = 4 × <see cref="ModelFirstTokenTimeout"/>.</summary>
    public TimeSpan? ModelGiveUpTimeout { get; init; }
    /// <summary><c>anthropic</c> or <c>openai</c>: the provider raced on a slow or failed first token; null races the same provider.</summary>
    public string? LlmFallbackProvider { get; init; }
    public TimeSpan ModelStallTimeout { get; init; } = TimeSpan.FromSeconds(3);

    public string? DeepgramApiKey { get; init; }
    public string DeepgramBaseUrl { get; init; } = "wss://api.deepgram.com";
    public string? ElevenLabsApiKey { get; init; }
    public string ElevenLabsBaseUrl { get; init; } = "wss://api.elevenlabs.io";
    public string ElevenLabsVoiceId { get; init; } = "UgBBYS2sOqTuMpoF3BR0";
    public string ElevenLabsModelId { get; init; } = "eleven_flash_v2_5";

    public string DeepgramModel { get; init; } = "nova-3";
    public bool DeepgramInterimResults { get; init; } = true;
    /// <summary>Deepgram <c>endpointing</c> in ms; 0 sends <c>endpointing=false</c>.</summary>
    public int DeepgramEndpointingMs { get; init; } = 300;
    /// <summary>Deepgram <c>utterance_end_ms</c>; must be at least 1000 (Deepgram's interim cadence makes less useless).</summary>
    public int DeepgramUtteranceEndMs { get; init; } = 1000;
    public bool DeepgramVadEvents { get; init; } = true;
    public bool DeepgramSmartFormat { get; init; } = true;
    public double ElevenLabsStability { get; init; } = 0.5;
    public double ElevenLabsSimilarityBoost { get; init; } = 0.75;
    public double ElevenLabsSpeed { get; init; } = 1.0;
    /// <summary>Characters ElevenLabs buffers before each generation, e.g. <c>50,120,160,290</c>.</summary>
    public IReadOnlyList<int> ElevenLabsChunkSchedule { get; init; } = [50, 120, 160, 290];
    /// <summary>JSON file of locale rows (STT model/language, TTS voice per calling code); unset uses the built-in table.</summary>
    public string? LocalesFile { get; init; }
    public string DefaultLocale { get; init; } = "en-US";
    public double SttMinConfidence { get; init; } = 0.65;
    public TimeSpan SttArtefactWindow { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Where the server keeps generated secrets (development auth token, encryption key).</summary>
    public string DataDir { get; init; } = DefaultDataDir();
    /// <summary>Persona and rules for the model; null uses the built-in prompt.</summary>
    public string? SystemPromptFile { get; init; }
    public int HistoryTurns { get; init; } = 8;
    public string? WelcomeGreeting { get; init; } = "Hi, thanks for calling. How can I help?";
    /// <summary>Keypad bindings, e.g. <c>0=operator,*=repeat,9=end</c>.</summary>
    public string DtmfBindings { get; init; } = "0=operator,*=repeat";

    public string RelayLanguage { get; init; } = "en-US";
    public string RelaySpeechModel { get; init; } = "nova-3-general";
    public string RelayInterruptible { get; init; } = "any";
    public bool RelayDtmfDetection { get; init; } = true;
    public string? RelayIntelligenceService { get; init; }
    /// <summary>Number the <c>&lt;Connect action&gt;</c> callback dials when a call is handed off; none = hang up.</summary>
    public string? TransferNumber { get; init; }
    /// <summary>Public audio URL for the model's <c>play_hold_music</c> tool; unset offers no such tool.</summary>
    public string? HoldMusicUrl { get; init; }

    public static string DefaultDataDir() => Path.Combine(
        Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".voiceagent");

    /// <summary>Reads the settings from configuration (environment variables and appsettings.json).</summary>
    public static VoiceAgentSettings From(IConfiguration config)
    {
        var d = new VoiceAgentSettings();
        string? S(string key) => string.IsNullOrWhiteSpace(config[key]) ? null : config[key]!.Trim();
        int I(string key, int fallback) => S(key) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        bool B(string key, bool fallback) => S(key) is { } v ? bool.Parse(v) : fallback;
        TimeSpan Ms(string key, TimeSpan fallback) => S(key) is { } v ? TimeSpan.FromMilliseconds(int.Parse(v, CultureInfo.InvariantCulture)) : fallback;

        return new VoiceAgentSettings
        {
            PublicBaseUrl = S("PUBLIC_BASE_URL") ?? d.PublicBaseUrl,
            TwilioAccountSid = S("TWILIO_ACCOUNT_SID"),
            TwilioAuthToken = S("TWILIO_AUTH_TOKEN"),
            TwilioApiBaseUrl = S("TWILIO_API_BASE_URL") ?? d.TwilioApiBaseUrl,
            TwilioAllowedAccountSids = (S("TWILIO_ALLOWED_ACCOUNT_SIDS") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            DevBypassSignature = B("DEV_BYPASS_SIGNATURE", false),
            UseEmulators = B("USE_EMULATORS", false),
            VonageSignatureSecret = S("VONAGE_SIGNATURE_SECRET"),
            LlmProvider = S("LLM_PROVIDER")?.ToLowerInvariant(),
            AnthropicApiKey = S("ANTHROPIC_API_KEY"),
            AnthropicBaseUrl = S("ANTHROPIC_BASE_URL") ?? d.AnthropicBaseUrl,
            AnthropicModel = S("ANTHROPIC_MODEL") ?? d.AnthropicModel,
            AnthropicMaxTokens = I("ANTHROPIC_MAX_TOKENS", d.AnthropicMaxTokens),
            OpenAIApiKey = S("OPENAI_API_KEY"),
            OpenAIBaseUrl = S("OPENAI_BASE_URL") ?? d.OpenAIBaseUrl,
            OpenAIModel = S("OPENAI_MODEL") ?? d.OpenAIModel,
            OpenAIMaxTokens = I("OPENAI_MAX_TOKENS", d.OpenAIMaxTokens),
            ModelFirstTokenTimeout = Ms("MODEL_FIRST_TOKEN_TIMEOUT_MS", d.ModelFirstTokenTimeout),
            ModelStallTimeout = Ms("MODEL_STALL_TIMEOUT_MS", d.ModelStallTimeout),
            ModelGiveUpTimeout = S("MODEL_GIVE_UP_TIMEOUT_MS") is null ? null : Ms("MODEL_GIVE_UP_TIMEOUT_MS", default),
            LlmFallbackProvider = S("LLM_FALLBACK_PROVIDER")?.ToLowerInvariant(),
            DeepgramApiKey = S("DEEPGRAM_API_KEY"),
            DeepgramBaseUrl = S("DEEPGRAM_BASE_URL") ?? d.DeepgramBaseUrl,
            ElevenLabsApiKey = S("ELEVENLABS_API_KEY"),
            ElevenLabsBaseUrl = S("ELEVENLABS_BASE_URL") ?? d.ElevenLabsBaseUrl,
            ElevenLabsVoiceId = S("ELEVENLABS_VOICE_ID") ?? d.ElevenLabsVoiceId,
            ElevenLabsModelId = S("ELEVENLABS_MODEL_ID") ?? d.ElevenLabsModelId,
            DeepgramModel = S("DEEPGRAM_MODEL") ?? d.DeepgramModel,
            DeepgramInterimResults = B("DEEPGRAM_INTERIM_RESULTS", d.DeepgramInterimResults),
            DeepgramEndpointingMs = I("DEEPGRAM_ENDPOINTING_MS", d.DeepgramEndpointingMs),
            DeepgramUtteranceEndMs = I("DEEPGRAM_UTTERANCE_END_MS", d.DeepgramUtteranceEndMs),
            DeepgramVadEvents = B("DEEPGRAM_VAD_EVENTS", d.DeepgramVadEvents),
            DeepgramSmartFormat = B("DEEPGRAM_SMART_FORMAT", d.DeepgramSmartFormat),
            ElevenLabsStability = S("ELEVENLABS_STABILITY") is { } st ? double.Parse(st, CultureInfo.InvariantCulture) : d.ElevenLabsStability,
            ElevenLabsSimilarityBoost = S("ELEVENLABS_SIMILARITY_BOOST") is { } sb ? double.Parse(sb, CultureInfo.InvariantCulture) : d.ElevenLabsSimilarityBoost,
            ElevenLabsSpeed = S("ELEVENLABS_SPEED") is { } sp ? double.Parse(sp, CultureInfo.InvariantCulture) : d.ElevenLabsSpeed,
            ElevenLabsChunkSchedule = S("ELEVENLABS_CHUNK_SCHEDULE") is { } cs
                ? cs.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToArray()
                : d.ElevenLabsChunkSchedule,
            LocalesFile = S("LOCALES_FILE"),
            DefaultLocale = S("DEFAULT_LOCALE") ?? d.DefaultLocale,
            SttMinConfidence = S("STT_MIN_CONFIDENCE") is { } conf ? double.Parse(conf, CultureInfo.InvariantCulture) : d.SttMinConfidence,
            SttArtefactWindow = Ms("STT_ARTEFACT_WINDOW_MS", d.SttArtefactWindow),
            DataDir = S("DATA_DIR") ?? d.DataDir,
            SystemPromptFile = S("SYSTEM_PROMPT_FILE"),
            HistoryTurns = I("HISTORY_TURNS", d.HistoryTurns),
            WelcomeGreeting = config["WELCOME_GREETING"] is { } greeting ? (greeting.Length == 0 ? null : greeting) : d.WelcomeGreeting,
            DtmfBindings = S("DTMF_BINDINGS") ?? d.DtmfBindings,
            RelayLanguage = S("RELAY_LANGUAGE") ?? d.RelayLanguage,
            RelaySpeechModel = S("RELAY_SPEECH_MODEL") ?? d.RelaySpeechModel,
            RelayInterruptible = S("RELAY_INTERRUPTIBLE") ?? d.RelayInterruptible,
            RelayDtmfDetection = B("RELAY_DTMF_DETECTION", d.RelayDtmfDetection),
            RelayIntelligenceService = S("RELAY_INTELLIGENCE_SERVICE"),
            TransferNumber = S("TRANSFER_NUMBER"),
            HoldMusicUrl = S("HOLD_MUSIC_URL"),
        };
    }

    /// <summary>True when any provider key (model, speech-to-text, text-to-speech) is set: not the offline mode.</summary>
    public bool HasAnyProviderKey => AnthropicApiKey is not null || OpenAIApiKey is not null || DeepgramApiKey is not null || ElevenLabsApiKey is not null;

    /// <summary>The model provider in effect: explicit choice, else whichever key is set.</summary>
    public string EffectiveLlmProvider => LlmProvider ?? (AnthropicApiKey is null && OpenAIApiKey is not null ? "openai" : "anthropic");

    /// <summary>How long one model request may go without a first token before it is abandoned.</summary>
    public TimeSpan EffectiveModelGiveUpTimeout => ModelGiveUpTimeout ?? ModelFirstTokenTimeout * 4;

    /// <summary>Lists every error with a hint on how to fix it; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (!Uri.TryCreate(PublicBaseUrl, UriKind.Absolute, out var publicUri) || publicUri.Scheme is not ("http" or "https"))
            errors.Add($"PUBLIC_BASE_URL must be an absolute http(s) URL such as https://voice.example.com (got '{PublicBaseUrl}').");
        else if (publicUri.AbsolutePath != "/" || publicUri.Query.Length > 0)
            errors.Add($"PUBLIC_BASE_URL must be an origin without a path or query (got '{PublicBaseUrl}').");
        if (EffectiveLlmProvider is not ("anthropic" or "openai"))
            errors.Add($"LLM_PROVIDER must be 'anthropic' or 'openai' (got '{LlmProvider}').");
        if (!IsAbsolute(TwilioApiBaseUrl, "http", "https")) errors.Add($"TWILIO_API_BASE_URL must be an http(s) origin (got '{TwilioApiBaseUrl}').");
        if (!IsAbsolute(AnthropicBaseUrl, "http", "https")) errors.Add($"ANTHROPIC_BASE_URL must be an http(s) origin (got '{AnthropicBaseUrl}').");
        if (!IsAbsolute(OpenAIBaseUrl, "http", "https")) errors.Add($"OPENAI_BASE_URL must be an http(s) URL including /v1 (got '{OpenAIBaseUrl}').");
        if (!IsAbsolute(DeepgramBaseUrl, "ws", "wss")) errors.Add($"DEEPGRAM_BASE_URL must be a ws:// or wss:// origin (got '{DeepgramBaseUrl}').");
        if (!IsAbsolute(ElevenLabsBaseUrl, "ws", "wss")) errors.Add($"ELEVENLABS_BASE_URL must be a ws:// or wss:// origin (got '{ElevenLabsBaseUrl}').");
        if (AnthropicMaxTokens is < 1 or > 8192) errors.Add($"ANTHROPIC_MAX_TOKENS must be 1..8192 (got {AnthropicMaxTokens}).");
        if (OpenAIMaxTokens is < 1 or > 8192) errors.Add($"OPENAI_MAX_TOKENS must be 1..8192 (got {OpenAIMaxTokens}).");
        if (ModelFirstTokenTimeout <= TimeSpan.Zero || ModelStallTimeout <= TimeSpan.Zero)
            errors.Add("MODEL_FIRST_TOKEN_TIMEOUT_MS and MODEL_STALL_TIMEOUT_MS must be positive.");
        if (ModelGiveUpTimeout is { } giveUp && giveUp <= TimeSpan.Zero)
            errors.Add($"MODEL_GIVE_UP_TIMEOUT_MS must be positive (got {giveUp.TotalMilliseconds:0}); unset it for 4 × MODEL_FIRST_TOKEN_TIMEOUT_MS.");
        if (LlmFallbackProvider is not (null or "anthropic" or "openai"))
            errors.Add($"LLM_FALLBACK_PROVIDER must be 'anthropic' or 'openai' (got '{LlmFallbackProvider}'); unset it to race the same provider.");
        else if (LlmFallbackProvider == "anthropic" && AnthropicApiKey is null)
            errors.Add("LLM_FALLBACK_PROVIDER=anthropic needs ANTHROPIC_API_KEY (and ANTHROPIC_BASE_URL if not api.anthropic.com); set it or unset LLM_FALLBACK_PROVIDER.");
        else if (LlmFallbackProvider == "openai" && OpenAIApiKey is null)
            errors.Add("LLM_FALLBACK_PROVIDER=openai needs OPENAI_API_KEY (and OPENAI_BASE_URL if not api.openai.com/v1); set it or unset LLM_FALLBACK_PROVIDER.");
        if (SystemPromptFile is not null && !File.Exists(SystemPromptFile))
            errors.Add($"SYSTEM_PROMPT_FILE '{SystemPromptFile}' does not exist.");
        if (DeepgramUtteranceEndMs < 1000)
            errors.Add($"DEEPGRAM_UTTERANCE_END_MS must be at least 1000 (got {DeepgramUtteranceEndMs}); Deepgram sends interim results about once a second, so less gains nothing.");
        if (DeepgramEndpointingMs < 0) errors.Add($"DEEPGRAM_ENDPOINTING_MS must be 0 (off) or positive (got {DeepgramEndpointingMs}).");
        if (LocalesFile is not null && !File.Exists(LocalesFile))
            errors.Add($"LOCALES_FILE '{LocalesFile}' does not exist.");
        if (TwilioAccountSid is not null && !TwilioAccountSid.StartsWith("AC", StringComparison.Ordinal))
            errors.Add("TWILIO_ACCOUNT_SID must start with 'AC'.");
        return errors;
    }

    private static bool IsAbsolute(string url, params string[] schemes)
        => Uri.TryCreate(url, UriKind.Absolute, out var uri) && schemes.Contains(uri.Scheme);
}
