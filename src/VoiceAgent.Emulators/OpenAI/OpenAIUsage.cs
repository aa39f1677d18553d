using VoiceAgent.Emulators.ChatScript;

namespace VoiceAgent.Emulators.OpenAI;

internal static class OpenAIUsage
{
    public static OpenAIUsageDto For(ChatReplyPlan plan) => new()
    {
        PromptTokens = plan.InputTokens,
        CompletionTokens = plan.OutputTokens,
        TotalTokens = plan.InputTokens + plan.OutputTokens,
        PromptTokensDetails = new OpenAIPromptTokensDetailsDto { CachedTokens = plan.CachedInputTokens },
    };
}
