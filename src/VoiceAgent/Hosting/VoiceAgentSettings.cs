using System.Collections.Frozen;
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
    /// <summary>
    /// Serve providers without a key from the built-in local emulators (announced at start-up). Off by default:
    /// with any provider key set the server never talks to an emulator; with none it runs fully offline.
    /// </summary>
    public bool UseEmulators { get; init; }
    /// <summary>Account signature secret verifying Vonage's signed webhooks (HS256 JWT); null refuses Vonage calls (offline: a generated one).</summary>
    public string? VonageSignatureSecret { get; init; }
    /// <summary>The Vonage application the Voice REST API is called as (<c>VONAGE_APPLICATION_ID</c>, <c>VONAGE_PRIVATE_KEY(_FILE)</c>, <c>VONAGE_API_BASE_URL</c>).</summary>
    public Telephony.Vonage.Rest.VonageRestSettings VonageRest { get; init; } = new();

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
    /// <summary>MODEL_HTTP_VERSION: auto | 1.1 | 2 — HTTP version to the model providers (default 1.1 until HTTP/2 is measured no worse on the hot path, docs/model-http.md; auto: HTTP/2 over https with fallback to 1.1, HTTP/1.1 over plain http; 2 also speaks h2c to a plain-http endpoint).</summary>
    public Providers.Resilience.ModelHttpVersion ModelHttpVersion { get; init; } = Providers.Resilience.ModelHttpVersion.Http11;

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
    /// <summary>ELEVENLABS_FLUSH_FIRST_PHRASE: synthesis starts at the reply's first natural phrase boundary (default true).</summary>
    public bool ElevenLabsFlushFirstPhrase { get; init; } = true;
    /// <summary>JSON file of locale rows (STT model/language, TTS voice per calling code); unset uses the built-in table.</summary>
    public string? LocalesFile { get; init; }
    public string DefaultLocale { get; init; } = "en-US";
    public double SttMinConfidence { get; init; } = 0.65;
    public TimeSpan SttArtefactWindow { get; init; } = TimeSpan.FromMilliseconds(500);
    /// <summary>SPECULATIVE_REPLIES: off | final | stable — start the model before the end of the turn is confirmed (audio path; default final).</summary>
    public Speech.Pipeline.SpeculationMode SpeculativeReplies { get; init; } = Speech.Pipeline.SpeculationMode.Final;
    /// <summary>SPECULATIVE_STABLE_MS: with SPECULATIVE_REPLIES=stable, how long interim words must stay unchanged (default 250).</summary>
    public TimeSpan SpeculativeStable { get; init; } = TimeSpan.FromMilliseconds(250);
    /// <summary>PLAYOUT_LEAD_MS: audio kept queued at the carrier ahead of its playhead on Media Streams and Vonage (default 300 ms, 0–1000).</summary>
    public TimeSpan PlayoutLead { get; init; } = TimeSpan.FromMilliseconds(300);
    /// <summary>ECHO_CANCELLATION: adaptive echo cancellation on the audio transports' caller audio (default true since the echo matrix misses no barge-in: see docs/echo.md).</summary>
    public bool EchoCancellation { get; init; } = true;

    /// <summary>Where the server keeps generated secrets (development auth token, encryption key).</summary>
    public string DataDir { get; init; } = DefaultDataDir();
    /// <summary>Persona and rules for the model; null uses the built-in prompt.</summary>
    public string? SystemPromptFile { get; init; }
    public int HistoryTurns { get; init; } = 8;
    /// <summary>HISTORY_REPLY_MAX_CHARS: characters one stored turn (history, session snapshot, transcript) keeps; longer text is cut at a word with a marker.</summary>
    public int HistoryReplyMaxChars { get; init; } = Conversation.History.StoredTextCap.DefaultMaxChars;
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
    /// <summary>Outbound calls, answering-machine detection and the campaign queue (<c>TWILIO_CALLER_ID</c>, <c>OUTBOUND_*</c>, <c>CAMPAIGN_*</c>).</summary>
    public Telephony.Outbound.OutboundSettings Outbound { get; init; } = new();
    /// <summary>Public audio URL for the model's <c>play_hold_music</c> tool; unset offers no such tool.</summary>
    public string? HoldMusicUrl { get; init; }

    // Conversation control (issue 8): tools, escalation triggers, warm transfer. Defaults in ToolOptions / EscalationOptions.
    public int ToolMaxSteps { get; init; } = 3;
    public TimeSpan ToolFillerAfter { get; init; } = TimeSpan.FromMilliseconds(1200);
    public string ToolFillerLine { get; init; } = "One moment while I check that.";
    public TimeSpan ToolTimeout { get; init; } = TimeSpan.FromSeconds(10);
    public bool EscalateOnCannotAnswer { get; init; } = true;
    public bool EscalateOnRequest { get; init; } = true;
    public bool EscalateOnLoop { get; init; } = true;
    public int LoopRepeatCount { get; init; } = 3;
    public double LoopSimilarity { get; init; } = 0.7;
    public int LoopWindowTurns { get; init; } = 6;
    public bool EscalateOnSentiment { get; init; } = true;
    public int SentimentWindowTurns { get; init; } = 3;
    public int SentimentThreshold { get; init; } = -6;
    public int SentimentMinNegativeTurns { get; init; } = 2;
    /// <summary>Caller id of the warm transfer's agent leg; null uses the number the caller dialled.</summary>
    public string? TransferCallerId { get; init; }
    public int TransferRingTimeoutSeconds { get; init; } = 20;
    public string? TransferUnavailableLine { get; init; }
    public int TransferVoicemailMaxSeconds { get; init; } = 120;

    // Durable records (issue 7): database, encryption at rest, retention, admin API, end-of-call webhook.
    /// <summary>PostgreSQL as a <c>postgres://</c> URL or an Npgsql connection string; null keeps records in SQLite in <see cref="DataDir"/>.</summary>
    public string? DatabaseUrl { get; init; }
    /// <summary>Base64 of 32 bytes; null uses a key generated once and kept in <see cref="DataDir"/>.</summary>
    public string? TranscriptEncryptionKey { get; init; }
    /// <summary>Comma-separated base64 keys that older records may be sealed with (kept readable after a rotation).</summary>
    public string? TranscriptEncryptionOldKeys { get; init; }
    /// <summary>Base64 of 32 bytes: the HMAC key caller numbers are hashed with in the database; null generates one in <see cref="DataDir"/>.</summary>
    public string? CallerIdHashKey { get; init; }
    /// <summary>Transcripts older than this are purged (HIPAA's six years by default).</summary>
    public int TranscriptRetentionDays { get; init; } = 2190;
    /// <summary>Bearer token for the admin API; null refuses every admin request.</summary>
    public string? AdminToken { get; init; }
    public string? CallEndWebhookUrl { get; init; }
    public string? CallEndWebhookSecret { get; init; }
    /// <summary>Redis for shared session state (<c>redis://host:6379</c>); null keeps call state in process.</summary>
    public string? RedisUrl { get; init; }
    /// <summary>How long a call's state is kept after its last write.</summary>
    public TimeSpan SessionTtl { get; init; } = TimeSpan.FromHours(1);
    /// <summary>Caller turns kept in a call's stored state.</summary>
    public int SessionMaxTurns { get; init; } = 20;
    /// <summary>A caller who rings back within this long is offered to continue; zero turns it off.</summary>
    public TimeSpan CallbackResumeWindow { get; init; } = TimeSpan.FromMinutes(10);
    /// <summary>On SIGTERM, how long active calls may go on before they are handed over to another instance.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(30);

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
    /// <summary>Bytes of output one call may keep queued for its carrier before the model or TTS stream waits.</summary>
    public int CarrierOutputBudgetBytes { get; init; } = 64 * 1024;
    /// <summary>The longest a call may last; it is then ended politely.</summary>
    public TimeSpan MaxCallLength { get; init; } = TimeSpan.FromHours(1);
    /// <summary>A wave of at least this many calls ending gives its memory back with one full collection (0 = never); see docs/stalled-callers.md.</summary>
    public int MemoryReclaimAfterCalls { get; init; } = 20;
    /// <summary>How long a wave must have been over before its memory is reclaimed.</summary>
    public TimeSpan MemoryReclaimQuiet { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> (or a per-signal <c>OTEL_EXPORTER_OTLP_{TRACES,METRICS}_ENDPOINT</c>): set, traces
    /// and metrics are exported over OTLP by the OpenTelemetry SDK, which reads the other standard <c>OTEL_*</c> variables itself.
    /// </summary>
    public string? OtlpEndpoint { get; init; }
    /// <summary>Serve the metrics for Prometheus to scrape at <c>/metrics</c> (bearer <see cref="MetricsToken"/> required).</summary>
    public bool PrometheusMetrics { get; init; }
    /// <summary>Bearer token Prometheus presents on <c>/metrics</c> (<c>authorization: credentials</c> in the scrape config).</summary>
    public string? MetricsToken { get; init; }
    /// <summary>A JSON price table replacing the built-in prices key by key (docs/cost.md); null: built-in prices.</summary>
    public string? PricesFile { get; init; }
    /// <summary>Consent, recording, silence handling and history policy.</summary>
    public ConversationControlSettings Controls { get; init; } = new();

    /// <summary>Values that could not be read (malformed number, boolean, choice); listed by <see cref="Validate"/>.</summary>
    public IReadOnlyList<string> ParseErrors { get; init; } = [];

    public static string DefaultDataDir() => Path.Combine(
        Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".voiceagent");

    private static readonly FrozenDictionary<string, Providers.Resilience.ModelHttpVersion> ModelHttpVersions = new Dictionary<string, Providers.Resilience.ModelHttpVersion>
    {
        ["auto"] = Providers.Resilience.ModelHttpVersion.Auto,
        ["1.1"] = Providers.Resilience.ModelHttpVersion.Http11,
        ["2"] = Providers.Resilience.ModelHttpVersion.Http2,
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

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
            UseEmulators = B("USE_EMULATORS", false),
            VonageSignatureSecret = S("VONAGE_SIGNATURE_SECRET"),
            VonageRest = Telephony.Vonage.Rest.VonageRestSettings.Read(r),
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
            ModelHttpVersion = r.Mapped("MODEL_HTTP_VERSION", d.ModelHttpVersion, ModelHttpVersions, "auto, 1.1 or 2"),
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
            ElevenLabsFlushFirstPhrase = B("ELEVENLABS_FLUSH_FIRST_PHRASE", d.ElevenLabsFlushFirstPhrase),
            LocalesFile = S("LOCALES_FILE"),
            DefaultLocale = S("DEFAULT_LOCALE") ?? d.DefaultLocale,
            SttMinConfidence = D("STT_MIN_CONFIDENCE", d.SttMinConfidence),
            SttArtefactWindow = Ms("STT_ARTEFACT_WINDOW_MS", d.SttArtefactWindow),
            SpeculativeReplies = r.Choice("SPECULATIVE_REPLIES", d.SpeculativeReplies),
            SpeculativeStable = Ms("SPECULATIVE_STABLE_MS", d.SpeculativeStable),
            PlayoutLead = Ms("PLAYOUT_LEAD_MS", d.PlayoutLead),
            EchoCancellation = B("ECHO_CANCELLATION", d.EchoCancellation),
            DataDir = S("DATA_DIR") ?? d.DataDir,
            SystemPromptFile = S("SYSTEM_PROMPT_FILE"),
            HistoryTurns = I("HISTORY_TURNS", d.HistoryTurns),
            HistoryReplyMaxChars = I("HISTORY_REPLY_MAX_CHARS", d.HistoryReplyMaxChars),
            WelcomeGreeting = config["WELCOME_GREETING"] is { } greeting ? (greeting.Length == 0 ? null : greeting) : d.WelcomeGreeting,
            DtmfBindings = S("DTMF_BINDINGS") ?? d.DtmfBindings,
            RelayLanguage = S("RELAY_LANGUAGE") ?? d.RelayLanguage,
            RelaySpeechModel = S("RELAY_SPEECH_MODEL") ?? d.RelaySpeechModel,
            RelayInterruptible = r.Choice("RELAY_INTERRUPTIBLE", d.RelayInterruptible),
            RelayDtmfDetection = B("RELAY_DTMF_DETECTION", d.RelayDtmfDetection),
            RelayIntelligenceService = S("RELAY_INTELLIGENCE_SERVICE"),
            TransferNumber = S("TRANSFER_NUMBER"),
            Outbound = Telephony.Outbound.OutboundSettings.Read(r),
            HoldMusicUrl = S("HOLD_MUSIC_URL"),
            ToolMaxSteps = I("TOOL_MAX_STEPS", d.ToolMaxSteps),
            ToolFillerAfter = Ms("TOOL_FILLER_AFTER_MS", d.ToolFillerAfter),
            ToolFillerLine = S("TOOL_FILLER_LINE") ?? d.ToolFillerLine,
            ToolTimeout = Ms("TOOL_TIMEOUT_MS", d.ToolTimeout),
            EscalateOnCannotAnswer = B("ESCALATE_ON_CANNOT_ANSWER", d.EscalateOnCannotAnswer),
            EscalateOnRequest = B("ESCALATE_ON_REQUEST", d.EscalateOnRequest),
            EscalateOnLoop = B("ESCALATE_ON_LOOP", d.EscalateOnLoop),
            LoopRepeatCount = I("LOOP_REPEAT_COUNT", d.LoopRepeatCount),
            LoopSimilarity = D("LOOP_SIMILARITY", d.LoopSimilarity),
            LoopWindowTurns = I("LOOP_WINDOW_TURNS", d.LoopWindowTurns),
            EscalateOnSentiment = B("ESCALATE_ON_SENTIMENT", d.EscalateOnSentiment),
            SentimentWindowTurns = I("SENTIMENT_WINDOW_TURNS", d.SentimentWindowTurns),
            SentimentThreshold = I("SENTIMENT_THRESHOLD", d.SentimentThreshold),
            SentimentMinNegativeTurns = I("SENTIMENT_MIN_NEGATIVE_TURNS", d.SentimentMinNegativeTurns),
            TransferCallerId = S("TRANSFER_CALLER_ID"),
            TransferRingTimeoutSeconds = I("TRANSFER_RING_TIMEOUT_SECONDS", d.TransferRingTimeoutSeconds),
            TransferUnavailableLine = S("TRANSFER_UNAVAILABLE_LINE"),
            TransferVoicemailMaxSeconds = I("TRANSFER_VOICEMAIL_MAX_SECONDS", d.TransferVoicemailMaxSeconds),
            DatabaseUrl = S("DATABASE_URL"),
            TranscriptEncryptionKey = S("TRANSCRIPT_ENCRYPTION_KEY"),
            TranscriptEncryptionOldKeys = S("TRANSCRIPT_ENCRYPTION_OLD_KEYS"),
            CallerIdHashKey = S("CALLER_ID_HASH_KEY"),
            TranscriptRetentionDays = I("TRANSCRIPT_RETENTION_DAYS", d.TranscriptRetentionDays),
            AdminToken = S("ADMIN_TOKEN"),
            CallEndWebhookUrl = S("CALL_END_WEBHOOK_URL"),
            CallEndWebhookSecret = S("CALL_END_WEBHOOK_SECRET"),
            RedisUrl = S("REDIS_URL"),
            SessionTtl = r.Seconds("SESSION_TTL_SECONDS", d.SessionTtl),
            SessionMaxTurns = I("SESSION_MAX_TURNS", d.SessionMaxTurns),
            CallbackResumeWindow = r.Seconds("CALLBACK_RESUME_WINDOW_SECONDS", d.CallbackResumeWindow),
            DrainTimeout = r.Seconds("DRAIN_TIMEOUT_SECONDS", d.DrainTimeout),
            MaxRequestBodyBytes = r.Long("MAX_REQUEST_BODY_BYTES", d.MaxRequestBodyBytes),
            SocketStartTimeout = Ms("SOCKET_START_TIMEOUT_MS", d.SocketStartTimeout),
            WebSocketKeepAliveInterval = Ms("WEBSOCKET_KEEPALIVE_INTERVAL_MS", d.WebSocketKeepAliveInterval),
            WebSocketKeepAliveTimeout = Ms("WEBSOCKET_KEEPALIVE_TIMEOUT_MS", d.WebSocketKeepAliveTimeout),
            CarrierIdleTimeout = Ms("CARRIER_IDLE_TIMEOUT_MS", d.CarrierIdleTimeout),
            SendStallTimeout = Ms("SEND_STALL_TIMEOUT_MS", d.SendStallTimeout),
            CarrierOutputBudgetBytes = I("CARRIER_OUTPUT_BUDGET_BYTES", d.CarrierOutputBudgetBytes),
            MaxCallLength = r.Seconds("MAX_CALL_SECONDS", d.MaxCallLength),
            MemoryReclaimAfterCalls = I("MEMORY_RECLAIM_AFTER_CALLS", d.MemoryReclaimAfterCalls),
            MemoryReclaimQuiet = Ms("MEMORY_RECLAIM_QUIET_MS", d.MemoryReclaimQuiet),
            OtlpEndpoint = S("OTEL_EXPORTER_OTLP_ENDPOINT") ?? S("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") ?? S("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT"),
            PrometheusMetrics = B("PROMETHEUS_METRICS", false),
            MetricsToken = S("METRICS_TOKEN"),
            PricesFile = S("PRICES_FILE"),
            Controls = ConversationControlSettings.From(r),
        };
        return settings with { ParseErrors = r.Errors };
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
        if (OtlpEndpoint is not null && !IsAbsolute(OtlpEndpoint, "http", "https"))
            errors.Add($"OTEL_EXPORTER_OTLP_ENDPOINT must be an absolute http(s) URL such as http://collector:4318 (got '{OtlpEndpoint}').");
        if (PrometheusMetrics && MetricsToken is null)
            errors.Add("METRICS_TOKEN must be set with PROMETHEUS_METRICS=true: /metrics requires it as a bearer token (generate one with: openssl rand -hex 32).");
        if (MetricsToken is { Length: < 16 })
            errors.Add("METRICS_TOKEN must be at least 16 characters (generate one with: openssl rand -hex 32).");
        if (PricesFile is not null)
        {
            if (!File.Exists(PricesFile)) errors.Add($"PRICES_FILE '{PricesFile}' does not exist.");
            else
            {
                try { Observability.Cost.PriceTable.Load(PricesFile); }
                catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException) { errors.Add($"PRICES_FILE: {ex.Message}"); }
            }
        }
        if (LocalesFile is not null && !File.Exists(LocalesFile))
            errors.Add($"LOCALES_FILE '{LocalesFile}' does not exist.");
        if (RedisUrl is not null && Storage.Sessions.RedisConnection.Parse(RedisUrl).Error is { } redisError) errors.Add(redisError);
        if (SessionTtl < TimeSpan.FromSeconds(60) || SessionTtl > TimeSpan.FromDays(7))
            errors.Add($"SESSION_TTL_SECONDS must be 60..604800 (got {SessionTtl.TotalSeconds:0}); a call's state must outlive a pause in the conversation.");
        if (SessionMaxTurns is < 1 or > 1000) errors.Add($"SESSION_MAX_TURNS must be 1..1000 (got {SessionMaxTurns}).");
        if (PlayoutLead < TimeSpan.Zero || PlayoutLead > TimeSpan.FromSeconds(1))
            errors.Add($"PLAYOUT_LEAD_MS must be 0..1000 (got {PlayoutLead.TotalMilliseconds:0}); 200-400 absorbs scheduling hiccups, and clear empties the carrier's buffer on barge-in whatever the lead.");
        if (CallbackResumeWindow < TimeSpan.Zero || CallbackResumeWindow > TimeSpan.FromDays(7))
            errors.Add($"CALLBACK_RESUME_WINDOW_SECONDS must be 0 (off)..604800 (got {CallbackResumeWindow.TotalSeconds:0}).");
        if (DrainTimeout < TimeSpan.Zero || DrainTimeout > TimeSpan.FromHours(1))
            errors.Add($"DRAIN_TIMEOUT_SECONDS must be 0..3600 (got {DrainTimeout.TotalSeconds:0}).");
        if (TwilioAccountSid is not null && !TwilioAccountSid.StartsWith("AC", StringComparison.Ordinal))
            errors.Add("TWILIO_ACCOUNT_SID must start with 'AC'.");
        ValidateRecords(errors);
        errors.AddRange(Controls.Validate(this));
        errors.AddRange(Outbound.Validate());
        errors.AddRange(VonageRest.Validate());
        if (HistoryTurns < 1) errors.Add($"HISTORY_TURNS must be at least 1 (got {HistoryTurns}).");
        if (HistoryReplyMaxChars is < Conversation.History.StoredTextCap.MinMaxChars or > Conversation.History.StoredTextCap.MaxMaxChars)
            errors.Add($"HISTORY_REPLY_MAX_CHARS must be {Conversation.History.StoredTextCap.MinMaxChars}..{Conversation.History.StoredTextCap.MaxMaxChars}, e.g. {Conversation.History.StoredTextCap.DefaultMaxChars} (got {HistoryReplyMaxChars}); it bounds the text one stored turn keeps.");
        if (ElevenLabsStability is < 0 or > 1 || double.IsNaN(ElevenLabsStability)) errors.Add($"ELEVENLABS_STABILITY must be between 0 and 1, e.g. 0.5 (got {ElevenLabsStability.ToString(CultureInfo.InvariantCulture)}).");
        if (ElevenLabsSimilarityBoost is < 0 or > 1 || double.IsNaN(ElevenLabsSimilarityBoost)) errors.Add($"ELEVENLABS_SIMILARITY_BOOST must be between 0 and 1, e.g. 0.75 (got {ElevenLabsSimilarityBoost.ToString(CultureInfo.InvariantCulture)}).");
        if (ElevenLabsSpeed is < 0.7 or > 1.2 || double.IsNaN(ElevenLabsSpeed)) errors.Add($"ELEVENLABS_SPEED must be between 0.7 and 1.2, e.g. 1.0 (got {ElevenLabsSpeed.ToString(CultureInfo.InvariantCulture)}).");
        if (SpeculativeStable < TimeSpan.FromMilliseconds(20) || SpeculativeStable > TimeSpan.FromSeconds(5)) errors.Add($"SPECULATIVE_STABLE_MS must be 20..5000, e.g. 250 (got {SpeculativeStable.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)}).");
        if (SttMinConfidence is < 0 or > 1 || double.IsNaN(SttMinConfidence)) errors.Add($"STT_MIN_CONFIDENCE must be between 0 and 1, e.g. 0.65 (got {SttMinConfidence.ToString(CultureInfo.InvariantCulture)}).");
        if (HoldMusicUrl is not null && !IsAbsolute(HoldMusicUrl, "http", "https")) errors.Add($"HOLD_MUSIC_URL must be an absolute http(s) URL of an audio file (got '{HoldMusicUrl}').");
        ValidateTransfer(errors);
        if (MaxRequestBodyBytes is < 1024 or > 16 * 1024 * 1024) errors.Add($"MAX_REQUEST_BODY_BYTES must be 1024..16777216, e.g. 65536 (got {MaxRequestBodyBytes}).");
        Positive(errors, "SOCKET_START_TIMEOUT_MS", SocketStartTimeout, "5000");
        Positive(errors, "WEBSOCKET_KEEPALIVE_INTERVAL_MS", WebSocketKeepAliveInterval, "15000");
        Positive(errors, "WEBSOCKET_KEEPALIVE_TIMEOUT_MS", WebSocketKeepAliveTimeout, "15000");
        Positive(errors, "CARRIER_IDLE_TIMEOUT_MS", CarrierIdleTimeout, "5000");
        Positive(errors, "SEND_STALL_TIMEOUT_MS", SendStallTimeout, "10000");
        if (CarrierOutputBudgetBytes is < 4096 or > 16 * 1024 * 1024) errors.Add($"CARRIER_OUTPUT_BUDGET_BYTES must be 4096..16777216, e.g. 65536 (got {CarrierOutputBudgetBytes}).");
        if (MemoryReclaimAfterCalls < 0) errors.Add($"MEMORY_RECLAIM_AFTER_CALLS must be 0 (off) or a number of calls, e.g. 20 (got {MemoryReclaimAfterCalls}).");
        Positive(errors, "MEMORY_RECLAIM_QUIET_MS", MemoryReclaimQuiet, "10000");
        if (MaxCallLength <= TimeSpan.Zero) errors.Add($"MAX_CALL_SECONDS must be a positive number of seconds, e.g. 3600 (got {MaxCallLength.TotalSeconds.ToString(CultureInfo.InvariantCulture)}).");
        return errors;
    }

    private void ValidateRecords(List<string> errors)
    {
        if (DatabaseUrl is not null && Storage.Records.DatabaseUrl.Check(DatabaseUrl) is { } dbError)
            errors.Add($"DATABASE_URL must be postgres://user:password@host:5432/database or an Npgsql connection string ({dbError}).");
        if (TranscriptEncryptionKey is not null && Storage.Encryption.TranscriptKeyring.Check(TranscriptEncryptionKey) is { } keyError)
            errors.Add($"TRANSCRIPT_ENCRYPTION_KEY {keyError}.");
        foreach (var old in (TranscriptEncryptionOldKeys ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            if (Storage.Encryption.TranscriptKeyring.Check(old) is { } oldError) errors.Add($"TRANSCRIPT_ENCRYPTION_OLD_KEYS: an entry {oldError}.");
        if (CallerIdHashKey is not null && Storage.Encryption.TranscriptKeyring.Check(CallerIdHashKey) is { } hashError)
            errors.Add($"CALLER_ID_HASH_KEY {hashError}.");
        if (TranscriptRetentionDays < 1)
            errors.Add($"TRANSCRIPT_RETENTION_DAYS must be at least 1 (got {TranscriptRetentionDays}); 2190 is six years.");
        if (AdminToken is { Length: < 16 })
            errors.Add("ADMIN_TOKEN must be at least 16 characters (generate one with: openssl rand -hex 32).");
        if (CallEndWebhookUrl is not null && !IsAbsolute(CallEndWebhookUrl, "http", "https"))
            errors.Add($"CALL_END_WEBHOOK_URL must be an absolute http(s) URL (got '{CallEndWebhookUrl}').");
        if (CallEndWebhookUrl is not null && CallEndWebhookSecret is null)
            errors.Add("CALL_END_WEBHOOK_SECRET must be set with CALL_END_WEBHOOK_URL: receivers verify the X-VoiceAgent-Signature HMAC with it.");
    }

    private void ValidateTransfer(List<string> errors)
    {
        foreach (var (name, number) in new[] { ("TRANSFER_NUMBER", TransferNumber), ("TRANSFER_CALLER_ID", TransferCallerId) })
            if (number is not null && !(number.Length is >= 3 and <= 16 && number[0] == '+' && number[1] != '0' && !number.AsSpan(1).ContainsAnyExceptInRange('0', '9')))
                errors.Add($"{name} must be an E.164 number such as +14155550100 (got a value of {number.Length} characters).");
        if (TransferRingTimeoutSeconds is < 5 or > 600) errors.Add($"TRANSFER_RING_TIMEOUT_SECONDS must be 5..600, e.g. 20 (got {TransferRingTimeoutSeconds}).");
        if (TransferVoicemailMaxSeconds is < 5 or > 3600) errors.Add($"TRANSFER_VOICEMAIL_MAX_SECONDS must be 5..3600, e.g. 120 (got {TransferVoicemailMaxSeconds}).");
        if (TransferUnavailableLine is { } line && string.IsNullOrWhiteSpace(line)) errors.Add("TRANSFER_UNAVAILABLE_LINE is blank: the caller would hear nothing before the voicemail tone.");
    }

    private static void Positive(List<string> errors, string name, TimeSpan value, string example)
    {
        if (value <= TimeSpan.Zero) errors.Add($"{name} must be a positive number of milliseconds, e.g. {example} (got {value.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)}).");
    }

    private static bool IsAbsolute(string url, params string[] schemes)
        => Uri.TryCreate(url, UriKind.Absolute, out var uri) && schemes.Contains(uri.Scheme);
}
