using Microsoft.Extensions.AI;

namespace VoiceAgent.Conversation.History;

/// <summary>
/// A cheap upper-side estimate of a request's input tokens (about four characters a token for English text, plus a
/// few per message for the role framing, plus the tool declarations). Used to keep a request under the budget
/// before it is sent; no tokenizer runs on the hot path.
/// </summary>
internal static class TokenEstimate
{
    private const int PerMessage = 4;

    public static int Of(IReadOnlyList<ChatMessage> messages, ChatOptions? options)
    {
        var chars = 0L;
        foreach (var m in messages) chars += m.Text.Length;
        var tools = 0;
        if (options?.Tools is { } declared)
            foreach (var t in declared) tools += (t.Name.Length + t.Description.Length) / 4 + 60;
        return (int)Math.Min(int.MaxValue, (chars + 3) / 4 + messages.Count * PerMessage + tools);
    }
}
