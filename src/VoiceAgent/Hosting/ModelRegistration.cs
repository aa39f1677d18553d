using Microsoft.Extensions.AI;
using VoiceAgent.Conversation;
using VoiceAgent.Conversation.Tools;
using VoiceAgent.Providers.Anthropic;
using VoiceAgent.Providers.OpenAI;
using VoiceAgent.Providers.Resilience;

namespace VoiceAgent.Hosting;

/// <summary>Builds the model client the settings ask for, wrapped in the stream watchdog.</summary>
internal static class ModelRegistration
{
    public static IChatClient CreateChatClient(VoiceAgentSettings settings, TimeProvider clock)
    {
        var client = settings.EffectiveLlmProvider == "openai"
            ? OpenAIChatClientFactory.Create(new OpenAIModelOptions
            {
                ApiKey = settings.OpenAIApiKey ?? "",
                BaseUrl = new Uri(settings.OpenAIBaseUrl),
                Model = settings.OpenAIModel,
                MaxTokens = settings.OpenAIMaxTokens,
            })
            : AnthropicChatClientFactory.Create(new AnthropicModelOptions
            {
                ApiKey = settings.AnthropicApiKey ?? "",
                BaseUrl = new Uri(settings.AnthropicBaseUrl),
                Model = settings.AnthropicModel,
                MaxTokens = settings.AnthropicMaxTokens,
            });
        return client.WithWatchdog(clock, settings.ModelFirstTokenTimeout, settings.ModelStallTimeout);
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
