using System.Globalization;
using Microsoft.Extensions.Configuration;
using VoiceAgent.Telephony.Twilio.TwiML;

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
    public TimeSpan ModelFirstTokenTimeout { get; init; } = TimeSpan.FromSeconds(4);
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
    public ConversationRelayInputMode RelayInterruptible { get; init; } = ConversationRelayInputMode.Any;
    public bool RelayDtmfDetection { get; init; } = true;
    public string? RelayIntelligenceService { get; init; }
    /// <summary>Number the <c>&lt;Connect action&gt;</c> callback dials when a call is handed off; none = hang up.</summary>
    public string? TransferNumber { get; init; }
    /// <summary>Public audio URL for the model's <c>play_hold_music</c> tool; unset offers no such tool.</summary>
    public string? HoldMusicUrl { get; init; }

    /// <summary>Largest HTTP request body accepted on any endpoint; Twilio's webhooks are a few KB.</summary>
    public long MaxRequestBodyBytes { get; init; } = 64 * 1024;
    /// <summary>A socket that has not sent its opening message (setup, connected/start, Vonage's first message) by then is closed.</summary>
    public TimeSpan SocketStartTimeout { get; init; } = TimeSpan.FromSeconds(5);
    /// <summary>How often the server pings an idle WebSocket.</summary>
    public TimeSpan WebSocketKeepAliveInterval { get; init; } = TimeSpan.FromSeconds(15);
    /// <summary>How long a ping may go unanswered before the socket is dropped.</summary>
    public TimeSpan WebSocketKeepAliveTimeout { get; init; } = TimeSpan.FromSeconds(15);
    /// <summary>Silence on a media socket (Media Streams, Vonage) for this long means the call is gone; media flows every 20 ms.</summary>
    public TimeSpan CarrierIdleTimeout { get; init; } = TimeSpan.FromSeconds(5);
    /// <summary>A call's carrier that accepts nothing for this long is ended (the output budget stays full).</summary>
    public TimeSpan SendStallTimeout { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>The longest a call may last; it is then ended politely.</summary>
    public TimeSpan MaxCallLength { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Values that could not be read (malformed number, boolean, choice); listed by <see cref="Validate"/>.</summary>
    public IReadOnlyList<string> ParseErrors { get; init; } = [];

    public static string DefaultDataDir() => Path.Combine(
        Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".voiceagent");

    /// <summary>Reads the settings from configuration (environment variables and appsettings.json).</summary>
    public static VoiceAgentSettings From(IConfiguration config)
    {
        var d = new VoiceAgentSettings();
        var r = new SettingReader(config);
        string? S(string key) => r.String(key);
        int I(string key, int fallback) => r.Int(key, fallback);
        bool B(string key, bool fallback) => r.Bool(key, fallback);
        double D(string key, double fallback) => r.Double(key, fallback);
        TimeSpan Ms(string key, TimeSpan fallback) => r.Milliseconds(key, fallback);

        var settings = new VoiceAgentSettings
        {
            PublicBaseUrl = S("PUBLIC_BASE_URL") ?? d.PublicBaseUrl,
            TwilioAccountSid = S("TWILIO_ACCOUNT_SID"),
            TwilioAuthToken = S("TWILIO_AUTH_TOKEN"),
            TwilioApiBaseUrl = S("TWILIO_API_BASE_URL") ?? d.TwilioApiBaseUrl,
            TwilioAllowedAccountSids = (S("TWILIO_ALLOWED_ACCOUNT_SIDS") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            DevBypassSignature = B("DEV_BYPASS_SIGNATURE", false),
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
            ElevenLabsStability = D("ELEVENLABS_STABILITY", d.ElevenLabsStability),
            ElevenLabsSimilarityBoost = D("ELEVENLABS_SIMILARITY_BOOST", d.ElevenLabsSimilarityBoost),
            ElevenLabsSpeed = D("ELEVENLABS_SPEED", d.ElevenLabsSpeed),
            ElevenLabsChunkSchedule = r.IntList("ELEVENLABS_CHUNK_SCHEDULE", d.ElevenLabsChunkSchedule),
            LocalesFile = S("LOCALES_FILE"),
            DefaultLocale = S("DEFAULT_LOCALE") ?? d.DefaultLocale,
            SttMinConfidence = D("STT_MIN_CONFIDENCE", d.SttMinConfidence),
            SttArtefactWindow = Ms("STT_ARTEFACT_WINDOW_MS", d.SttArtefactWindow),
            DataDir = S("DATA_DIR") ?? d.DataDir,
            SystemPromptFile = S("SYSTEM_PROMPT_FILE"),
            HistoryTurns = I("HISTORY_TURNS", d.HistoryTurns),
            WelcomeGreeting = config["WELCOME_GREETING"] is { } greeting ? (greeting.Length == 0 ? null : greeting) : d.WelcomeGreeting,
            DtmfBindings = S("DTMF_BINDINGS") ?? d.DtmfBindings,
            RelayLanguage = S("RELAY_LANGUAGE") ?? d.RelayLanguage,
            RelaySpeechModel = S("RELAY_SPEECH_MODEL") ?? d.RelaySpeechModel,
            RelayInterruptible = r.Choice("RELAY_INTERRUPTIBLE", d.RelayInterruptible),
            RelayDtmfDetection = B("RELAY_DTMF_DETECTION", d.RelayDtmfDetection),
            RelayIntelligenceService = S("RELAY_INTELLIGENCE_SERVICE"),
            TransferNumber = S("TRANSFER_NUMBER"),
            HoldMusicUrl = S("HOLD_MUSIC_URL"),
            MaxRequestBodyBytes = r.Long("MAX_REQUEST_BODY_BYTES", d.MaxRequestBodyBytes),
            SocketStartTimeout = Ms("SOCKET_START_TIMEOUT_MS", d.SocketStartTimeout),
            WebSocketKeepAliveInterval = Ms("WEBSOCKET_KEEPALIVE_INTERVAL_MS", d.WebSocketKeepAliveInterval),
            WebSocketKeepAliveTimeout = Ms("WEBSOCKET_KEEPALIVE_TIMEOUT_MS", d.WebSocketKeepAliveTimeout),
            CarrierIdleTimeout = Ms("CARRIER_IDLE_TIMEOUT_MS", d.CarrierIdleTimeout),
            SendStallTimeout = Ms("SEND_STALL_TIMEOUT_MS", d.SendStallTimeout),
            MaxCallLength = r.Seconds("MAX_CALL_SECONDS", d.MaxCallLength),
        };
        return settings with { ParseErrors = r.Errors };
    }

    /// <summary>The model provider in effect: explicit choice, else whichever key is set.</summary>
    public string EffectiveLlmProvider => LlmProvider ?? (AnthropicApiKey is null && OpenAIApiKey is not null ? "openai" : "anthropic");

    /// <summary>Lists every error with a hint on how to fix it; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>(ParseErrors);
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
        if (SystemPromptFile is not null && !File.Exists(SystemPromptFile))
            errors.Add($"SYSTEM_PROMPT_FILE '{SystemPromptFile}' does not exist.");
        if (DeepgramUtteranceEndMs < 1000)
            errors.Add($"DEEPGRAM_UTTERANCE_END_MS must be at least 1000 (got {DeepgramUtteranceEndMs}); Deepgram sends interim results about once a second, so less gains nothing.");
        if (DeepgramEndpointingMs < 0) errors.Add($"DEEPGRAM_ENDPOINTING_MS must be 0 (off) or positive (got {DeepgramEndpointingMs}).");
        if (LocalesFile is not null && !File.Exists(LocalesFile))
            errors.Add($"LOCALES_FILE '{LocalesFile}' does not exist.");
        if (TwilioAccountSid is not null && !TwilioAccountSid.StartsWith("AC", StringComparison.Ordinal))
            errors.Add("TWILIO_ACCOUNT_SID must start with 'AC'.");
        if (HistoryTurns < 1) errors.Add($"HISTORY_TURNS must be at least 1 (got {HistoryTurns}).");
        if (ElevenLabsStability is < 0 or > 1 || double.IsNaN(ElevenLabsStability)) errors.Add($"ELEVENLABS_STABILITY must be between 0 and 1, e.g. 0.5 (got {ElevenLabsStability.ToString(CultureInfo.InvariantCulture)}).");
        if (ElevenLabsSimilarityBoost is < 0 or > 1 || double.IsNaN(ElevenLabsSimilarityBoost)) errors.Add($"ELEVENLABS_SIMILARITY_BOOST must be between 0 and 1, e.g. 0.75 (got {ElevenLabsSimilarityBoost.ToString(CultureInfo.InvariantCulture)}).");
        if (ElevenLabsSpeed is < 0.7 or > 1.2 || double.IsNaN(ElevenLabsSpeed)) errors.Add($"ELEVENLABS_SPEED must be between 0.7 and 1.2, e.g. 1.0 (got {ElevenLabsSpeed.ToString(CultureInfo.InvariantCulture)}).");
        if (SttMinConfidence is < 0 or > 1 || double.IsNaN(SttMinConfidence)) errors.Add($"STT_MIN_CONFIDENCE must be between 0 and 1, e.g. 0.65 (got {SttMinConfidence.ToString(CultureInfo.InvariantCulture)}).");
        if (HoldMusicUrl is not null && !IsAbsolute(HoldMusicUrl, "http", "https")) errors.Add($"HOLD_MUSIC_URL must be an absolute http(s) URL of an audio file (got '{HoldMusicUrl}').");
        if (MaxRequestBodyBytes is < 1024 or > 16 * 1024 * 1024) errors.Add($"MAX_REQUEST_BODY_BYTES must be 1024..16777216, e.g. 65536 (got {MaxRequestBodyBytes}).");
        Positive(errors, "SOCKET_START_TIMEOUT_MS", SocketStartTimeout, "5000");
        Positive(errors, "WEBSOCKET_KEEPALIVE_INTERVAL_MS", WebSocketKeepAliveInterval, "15000");
        Positive(errors, "WEBSOCKET_KEEPALIVE_TIMEOUT_MS", WebSocketKeepAliveTimeout, "15000");
        Positive(errors, "CARRIER_IDLE_TIMEOUT_MS", CarrierIdleTimeout, "5000");
        Positive(errors, "SEND_STALL_TIMEOUT_MS", SendStallTimeout, "10000");
        if (MaxCallLength <= TimeSpan.Zero) errors.Add($"MAX_CALL_SECONDS must be a positive number of seconds, e.g. 3600 (got {MaxCallLength.TotalSeconds.ToString(CultureInfo.InvariantCulture)}).");
        return errors;
    }

    private static void Positive(List<string> errors, string name, TimeSpan value, string example)
    {
        if (value <= TimeSpan.Zero) errors.Add($"{name} must be a positive number of milliseconds, e.g. {example} (got {value.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)}).");
    }

    private static bool IsAbsolute(string url, params string[] schemes)
        => Uri.TryCreate(url, UriKind.Absolute, out var uri) && schemes.Contains(uri.Scheme);
}
