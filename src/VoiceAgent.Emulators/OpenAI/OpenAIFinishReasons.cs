using VoiceAgent.Emulators.ChatScript;

namespace VoiceAgent.Emulators.OpenAI;

/// <summary>The <c>finish_reason</c> of a reply (protocols/openai-chat-streaming.md §2).</summary>
internal static class OpenAIFinishReasons
{
    /// <summary><c>length</c> when the request's cap cut the reply, <c>tool_calls</c> when it calls tools, else <c>stop</c>.</summary>
    public static string For(ChatReplyPlan plan) => plan.Truncated ? "length" : plan.HasToolCalls ? "tool_calls" : "stop";
}
