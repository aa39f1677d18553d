using VoiceAgent.Emulators.ChatScript;

namespace VoiceAgent.Emulators.Anthropic;

/// <summary>The <c>stop_reason</c> of a reply (protocols/anthropic-messages-streaming.md §2).</summary>
internal static class AnthropicStopReasons
{
    /// <summary><c>max_tokens</c> when the request's cap cut the reply, <c>tool_use</c> when it calls tools, else <c>end_turn</c>.</summary>
    public static string For(ChatReplyPlan plan) => plan.Truncated ? "max_tokens" : plan.HasToolCalls ? "tool_use" : "end_turn";
}
