using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VoiceAgent.Conversation;
using VoiceAgent.Conversation.Tools;
using VoiceAgent.Observability;
using VoiceAgent.Providers.Anthropic;
using VoiceAgent.Providers.OpenAI;
using VoiceAgent.Providers.Resilience;

namespace VoiceAgent.Hosting;

/// <summary>
/// Builds the model client the settings ask for: each provider wrapped in the stream watchdog (a request that
/// never speaks is abandoned at the give-up deadline, a started stream that stalls is cut), and the two raced by
/// <see cref="FirstTokenRaceChatClient"/> (a second request after MODEL_FIRST_TOKEN_TIMEOUT_MS or an early failure,
/// to the same provider or to LLM_FALLBACK_PROVIDER).
/// </summary>
internal static class ModelRegistration
{
    /// <param name="warmups">Collects each lane for the start-up warm-up (<see cref="Warmup.ModelWarmup"/>); null for none.</param>
    public static IChatClient CreateChatClient(VoiceAgentSettings settings, TimeProvider clock, VoiceAgentMetrics? metrics = null, ILoggerFactory? loggerFactory = null,
        ModelWarmupTargets? warmups = null)
    {
        var primary = CreateLane(settings, settings.EffectiveLlmProvider, clock, ownRequestSettings: false, warmups);
        var second = settings.LlmFallbackProvider is { } fallback && fallback != settings.EffectiveLlmProvider
            ? CreateLane(settings, fallback, clock, ownRequestSettings: true, warmups)
            : primary;
        return new FirstTokenRaceChatClient(primary, second, settings.ModelFirstTokenTimeout, clock, metrics,
            (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<FirstTokenRaceChatClient>());
    }

    /// <summary>
    /// One provider behind the watchdog. The fallback lane asks for its own model and output cap (the request's
    /// options name the primary provider's).
    /// </summary>
    private static ModelRaceLane CreateLane(VoiceAgentSettings settings, string provider, TimeProvider clock, bool ownRequestSettings, ModelWarmupTargets? warmups)
    {
        var warmup = warmups is null ? null : new ModelWarmupHandler(provider);
        var baseUrl = new Uri(provider == "openai" ? settings.OpenAIBaseUrl : settings.AnthropicBaseUrl);
        var client = provider == "openai"
            ? OpenAIChatClientFactory.Create(new OpenAIModelOptions
            {
                ApiKey = settings.OpenAIApiKey ?? "",
                BaseUrl = new Uri(settings.OpenAIBaseUrl),
                Model = settings.OpenAIModel,
                MaxTokens = settings.OpenAIMaxTokens,
                HttpVersion = settings.ModelHttpVersion,
            }, warmup)
            : AnthropicChatClientFactory.Create(new AnthropicModelOptions
            {
                ApiKey = settings.AnthropicApiKey ?? "",
                BaseUrl = new Uri(settings.AnthropicBaseUrl),
                Model = settings.AnthropicModel,
                MaxTokens = settings.AnthropicMaxTokens,
                HttpVersion = settings.ModelHttpVersion,
            }, warmup);
        var guarded = client.WithWatchdog(clock, settings.EffectiveModelGiveUpTimeout, settings.ModelStallTimeout);
        if (warmup is not null)
            warmups!.Add(new ModelWarmupTarget(provider, new HttpClient(warmup, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan }, baseUrl, guarded, warmup));
        return ownRequestSettings
            ? new ModelRaceLane(provider, guarded,
                provider == "openai" ? settings.OpenAIModel : settings.AnthropicModel,
                provider == "openai" ? settings.OpenAIMaxTokens : settings.AnthropicMaxTokens)
            : new ModelRaceLane(provider, guarded);
    }

    public static ChatOptions CreateChatOptions(VoiceAgentSettings settings, AgentOptions agent) => new()
    {
        ModelId = settings.EffectiveLlmProvider == "openai" ? settings.OpenAIModel : settings.AnthropicModel,
        MaxOutputTokens = settings.EffectiveLlmProvider == "openai" ? settings.OpenAIMaxTokens : settings.AnthropicMaxTokens,
        Tools = AgentTools.Declarations(agent),
        ToolMode = ChatToolMode.Auto,
    };

    public static IReadOnlyList<ReadinessTarget> ReadinessTargets(VoiceAgentSettings settings)
    {
        var model = settings.EffectiveLlmProvider == "openai"
            ? new ReadinessTarget("openai", new Uri(settings.OpenAIBaseUrl))
            : new ReadinessTarget("anthropic", new Uri(settings.AnthropicBaseUrl));
        // Only configured providers: a transport without its keys refuses calls and needs nothing reachable.
        var targets = new List<ReadinessTarget>();
        if ((settings.EffectiveLlmProvider == "openai" ? settings.OpenAIApiKey : settings.AnthropicApiKey) is not null) targets.Add(model);
        if (settings.DeepgramApiKey is not null) targets.Add(new ReadinessTarget("deepgram", new Uri(settings.DeepgramBaseUrl)));
        if (settings.ElevenLabsApiKey is not null) targets.Add(new ReadinessTarget("elevenlabs", new Uri(settings.ElevenLabsBaseUrl)));
        return targets;
    }
}
