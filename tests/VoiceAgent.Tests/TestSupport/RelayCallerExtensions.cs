using VoiceAgent.Emulators.Twilio;

namespace VoiceAgent.Tests.TestSupport;

public static class RelayCallerExtensions
{
    /// <summary>Says something and waits for the complete reply.</summary>
    public static async Task<string> AskAsync(this ConversationRelayCaller caller, string text)
    {
        var sentAt = await caller.SendPromptAsync(text).DefaultTimeout();
        return (await caller.ReadReplyAsync(sentAt).DefaultTimeout()).Text;
    }

    /// <summary>The next frame of a given type, skipping others (bounded).</summary>
    public static async Task<RelayServerFrame> NextOfTypeAsync(this ConversationRelayCaller caller, string type)
    {
        for (var i = 0; i < 10_000; i++)
        {
            var frame = await caller.ReadFrameAsync().DefaultTimeout();
            if (frame.Type == type) return frame;
        }
        throw new InvalidOperationException($"no '{type}' frame");
    }
}
