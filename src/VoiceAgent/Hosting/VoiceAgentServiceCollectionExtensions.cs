using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using VoiceAgent.Conversation;
using VoiceAgent.Conversation.Tools;
using VoiceAgent.Conversation.Transcript;
using VoiceAgent.Storage;
using VoiceAgent.Observability;
using VoiceAgent.Observability.Cost;
using VoiceAgent.Observability.Live;
using VoiceAgent.Hosting.Drain;
using VoiceAgent.Storage.Sessions;
using VoiceAgent.Telephony.ConversationRelay;
using VoiceAgent.Providers.Deepgram;
using VoiceAgent.Providers.ElevenLabs;
using VoiceAgent.Speech.Pipeline;
using VoiceAgent.Telephony.MediaStreams;
using VoiceAgent.Telephony.Vonage;
using VoiceAgent.Telephony.Vonage.Security;
using VoiceAgent.Telephony.Twilio.Rest;
using VoiceAgent.Telephony.Twilio.Security;
using VoiceAgent.Telephony.Twilio.Transfer;
using VoiceAgent.Telephony.WebSockets;

namespace VoiceAgent.Hosting;

/// <summary>Registers the voice agent: engine, model, Twilio security and transports.</summary>
public static class VoiceAgentServiceCollectionExtensions
{
    /// <summary>
    /// Adds everything a call needs, from validated <paramref name="settings"/>. Throws at start-up, listing
    /// every configuration error, rather than failing on the first call.
    /// </summary>
    public static IServiceCollection AddVoiceAgent(this IServiceCollection services, VoiceAgentSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var errors = settings.Validate().ToList();
        var agent = AgentOptionsFrom(settings, errors);
        if (errors.Count > 0)
            throw new InvalidSettingsException(errors);

        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton(settings);
        services.TryAddSingleton(agent);
        services.TryAddSingleton(TransportAvailability.From(settings));
        services.TryAddSingleton<VoiceAgentMetrics>();
        services.TryAddSingleton<Admin.AdminLoginThrottle>();
        services.TryAddSingleton<CarrierOutputMetrics>();
        TelemetryRegistration.AddVoiceAgentTelemetry(services, settings);
        services.TryAddSingleton(settings.PricesFile is { } prices ? PriceTable.Load(prices) : PriceTable.BuiltIn);
        services.TryAddSingleton(new CarrierLimits
        {
            StartTimeout = settings.SocketStartTimeout,
            IdleTimeout = settings.CarrierIdleTimeout,
            SendStallTimeout = settings.SendStallTimeout,
            OutputBudgetBytes = settings.CarrierOutputBudgetBytes,
            MaxCallLength = settings.MaxCallLength,
        });
        services.AddTwilioSecurity(new TwilioSecurityOptions
        {
            AuthToken = settings.TwilioAuthToken,
            AccountSid = settings.TwilioAccountSid,
            AllowedAccountSids = settings.TwilioAllowedAccountSids,
            PublicBaseUrl = new Uri(settings.PublicBaseUrl),
            BypassSignature = settings.DevBypassSignature,
        });

        services.TryAddSingleton<Providers.Resilience.ModelWarmupTargets>();
        services.TryAddSingleton(sp => ModelRegistration.CreateChatClient(settings, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<VoiceAgentMetrics>(), sp.GetRequiredService<ILoggerFactory>(),
            sp.GetRequiredService<Providers.Resilience.ModelWarmupTargets>()));
        services.TryAddSingleton(sp => new CallSessionDependencies(
            sp.GetRequiredService<IChatClient>(),
            ModelRegistration.CreateChatOptions(settings, sp.GetRequiredService<AgentOptions>()).WithControlTools(sp),
            sp.GetRequiredService<AgentOptions>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<VoiceAgentMetrics>(),
            sp.GetRequiredService<ILoggerFactory>(),
            sp.GetService<ICallRecordSink>(),
            sp.GetRequiredService<SessionPersistence>(),
            sp.GetRequiredService<UnresumedCallSweeper>(),
            sp.GetRequiredService<VoiceAgentTracing>(),
            sp.GetRequiredService<PriceTable>(),
            sp.GetRequiredService<CallMonitor>(),
            new ApplicationTools(sp.GetServices<VoiceAgentTool>()),
            sp.GetRequiredService<Conversation.Compliance.CallControls>()));
        services.TryAddSingleton<CallMonitor>();
        services.AddHostedService(sp => sp.GetRequiredService<CallMonitor>());
        services.TryAddSingleton<CallSessionFactory>();
        SessionStoreRegistration.AddSessionStore(services, settings);
        services.TryAddSingleton(sp => new RelayConnectionHandler(
            sp.GetRequiredService<CallSessionFactory>(),
            sp.GetRequiredService<VoiceAgentMetrics>(),
            sp.GetRequiredService<ILogger<RelayConnectionHandler>>(),
            sp.GetRequiredService<TwilioRequestValidator>().IsAccountAllowed,
            sp.GetRequiredService<LiveCalls>(),
            sp.GetRequiredService<CarrierLimits>(),
            sp.GetRequiredService<CarrierOutputMetrics>()));
        AddSpeech(services, settings);
        services.AddVoiceAgentRecords(settings);
        services.AddConversationControls(settings, agent);
        Telephony.Outbound.OutboundServiceCollectionExtensions.AddOutbound(services, settings);
        services.TryAddSingleton(sp => new ReadinessProbe(ModelRegistration.ReadinessTargets(settings), sp.GetRequiredService<TimeProvider>(),
            sp.GetServices<IReadinessContributor>(), sp.GetRequiredService<LiveCalls>(), sp.GetService<SessionStoreReadiness>()));
        // Last of the library's hosted services, so the stores they warm have started (hosted services start in order,
        // all before the server listens): the lanes first, then one whole call through the calls' own stack.
        services.AddHostedService<Warmup.ModelWarmup>();
        services.AddHostedService<Warmup.FirstTurnWarmup>();
        services.TryAddSingleton(new Memory.MemoryReclaimOptions(settings.MemoryReclaimAfterCalls, settings.MemoryReclaimQuiet));
        services.TryAddSingleton<Memory.MemoryReclaimer>();
        services.AddHostedService(sp => sp.GetRequiredService<Memory.MemoryReclaimer>());
        return services;
    }

    private static void AddSpeech(IServiceCollection services, VoiceAgentSettings settings)
    {
        services.TryAddSingleton(sp => DeepgramSpeechToTextFactory.Create(new DeepgramOptions
        {
            ApiKey = settings.DeepgramApiKey ?? "",
            BaseUrl = new Uri(settings.DeepgramBaseUrl),
            Model = settings.DeepgramModel,
            InterimResults = settings.DeepgramInterimResults,
            EndpointingMs = settings.DeepgramEndpointingMs == 0 ? null : settings.DeepgramEndpointingMs,
            UtteranceEndMs = settings.DeepgramUtteranceEndMs,
            VadEvents = settings.DeepgramVadEvents,
            SmartFormat = settings.DeepgramSmartFormat,
        }, sp.GetRequiredService<ILoggerFactory>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => ElevenLabsTextToSpeechFactory.Create(new ElevenLabsOptions
        {
            ApiKey = settings.ElevenLabsApiKey ?? "",
            BaseUrl = new Uri(settings.ElevenLabsBaseUrl),
            VoiceId = settings.ElevenLabsVoiceId,
            ModelId = settings.ElevenLabsModelId,
            VoiceSettings = new ElevenLabsVoiceSettings { Stability = settings.ElevenLabsStability, SimilarityBoost = settings.ElevenLabsSimilarityBoost, Speed = settings.ElevenLabsSpeed },
            ChunkLengthSchedule = settings.ElevenLabsChunkSchedule,
            FlushFirstPhrase = settings.ElevenLabsFlushFirstPhrase,
        }, sp.GetRequiredService<ILoggerFactory>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(_ => new LocaleTable(
            settings.LocalesFile is { } file ? LocaleTable.Load(file) : LocaleTable.BuiltIn(settings.ElevenLabsVoiceId), settings.DefaultLocale));
        services.TryAddSingleton(new SpeechPipelineOptions
        {
            MinTranscriptConfidence = settings.SttMinConfidence,
            ArtefactWindow = settings.SttArtefactWindow,
            Speculation = settings.SpeculativeReplies,
            SpeculationStableFor = settings.SpeculativeStable,
            PlayoutLead = settings.PlayoutLead,
            EchoCancellation = settings.EchoCancellation,
        });
        services.TryAddSingleton(sp => new PlayoutScheduler(sp.GetRequiredService<TimeProvider>(), sp.GetService<ILogger<PlayoutScheduler>>()));
        services.TryAddSingleton<AudioCallFactory>();
        WarmTransferRegistration.Add(services, settings);
        Telephony.Vonage.Transfer.VonageTransferRegistration.Add(services, settings);
        services.TryAddSingleton(sp => new CallHandoff(sp.GetRequiredService<WarmTransfer>()));
        services.TryAddSingleton(sp => new MediaStreamsConnectionHandler(
            sp.GetRequiredService<AudioCallFactory>(),
            sp.GetRequiredService<CallHandoff>(),
            sp.GetRequiredService<VoiceAgentMetrics>(),
            sp.GetRequiredService<ILogger<MediaStreamsConnectionHandler>>(),
            sp.GetRequiredService<TwilioRequestValidator>().IsAccountAllowed,
            sp.GetRequiredService<LiveCalls>(),
            sp.GetRequiredService<CarrierLimits>(),
            sp.GetService<Telephony.Outbound.OutboundAudioWatch>(),
            sp.GetRequiredService<CarrierOutputMetrics>()));
        services.TryAddSingleton(_ => new VonageCallAuthenticator(SecretFile.LoadOrCreateKey(settings.DataDir, "vonage-call-key")));
        services.TryAddSingleton<VonageConnectionHandler>();
        services.TryAddSingleton(sp => new VonageWebhookVerifier(
            new VonageWebhookOptions { SignatureSecret = settings.VonageSignatureSecret },
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<VonageWebhookVerifier>>()));
    }

    private static AgentOptions AgentOptionsFrom(VoiceAgentSettings settings, List<string> errors)
    {
        var defaults = new AgentOptions();
        var agent = new AgentOptions
        {
            SystemPrompt = settings.SystemPromptFile is { } file && File.Exists(file) ? File.ReadAllText(file) : defaults.SystemPrompt,
            // HISTORY_TURNS counts caller and agent turns (8 = 4 + 4); the window keeps whole exchanges.
            HistoryTurns = Math.Max(1, settings.HistoryTurns / 2),
            HistoryTextMaxChars = settings.HistoryReplyMaxChars,
            // With consent required the carrier's greeting is held back: the notice comes first, the engine greets after.
            WelcomeGreeting = settings.Controls.ConsentRequired ? null : settings.WelcomeGreeting,
            DtmfBindings = DtmfBindingParser.Parse(settings.DtmfBindings, errors),
            HoldMusicUrl = settings.HoldMusicUrl,
            Tools = new ToolOptions { MaxSteps = settings.ToolMaxSteps, FillerAfter = settings.ToolFillerAfter, FillerLine = settings.ToolFillerLine, Timeout = settings.ToolTimeout },
            Escalation = new EscalationOptions
            {
                OnCannotAnswer = settings.EscalateOnCannotAnswer,
                OnCallerRequest = settings.EscalateOnRequest,
                OnLoop = settings.EscalateOnLoop,
                LoopRepeatCount = settings.LoopRepeatCount,
                LoopSimilarity = settings.LoopSimilarity,
                LoopWindowTurns = settings.LoopWindowTurns,
                OnSentiment = settings.EscalateOnSentiment,
                SentimentWindowTurns = settings.SentimentWindowTurns,
                SentimentThreshold = settings.SentimentThreshold,
                SentimentMinNegativeTurns = settings.SentimentMinNegativeTurns,
            },
        };
        errors.AddRange(agent.Validate());
        return agent;
    }
}
