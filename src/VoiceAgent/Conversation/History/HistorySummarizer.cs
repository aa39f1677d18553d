using System.Text;
using Microsoft.Extensions.AI;

namespace VoiceAgent.Conversation.History;

/// <summary>
/// Summarises turns that left the window, with the call's own model, off the hot path (the call's mailbox gets the
/// result as an event). The summary is for the agent's memory: facts, decisions, open questions; never card data.
/// </summary>
internal sealed class HistorySummarizer(IChatClient model, ChatOptions baseOptions)
{
    internal const string Instruction =
        "You keep notes for a phone agent. Merge the earlier notes and the conversation excerpt below into at most five short sentences: " +
        "who the caller is, what they want, what was decided or done, and what is still open. Never include card or account numbers. Reply with the notes only.";

    public async Task<string> SummarizeAsync(string? previousSummary, IReadOnlyList<ConversationHistory.Entry> entries, CancellationToken cancellationToken)
    {
        var excerpt = new StringBuilder();
        if (previousSummary is not null) excerpt.Append("Earlier notes: ").Append(previousSummary).Append("\n\n");
        excerpt.Append("Conversation excerpt:");
        foreach (var e in entries)
            excerpt.Append('\n').Append(e.Role == ChatRole.User ? "Caller: " : "Agent: ").Append(e.Interrupted ? ConversationHistory.RenderInterrupted(e.Text) : e.Text);
        var options = baseOptions.Clone();
        options.Tools = null;
        options.ToolMode = null;
        options.MaxOutputTokens = Math.Min(options.MaxOutputTokens ?? 250, 250);
        var summary = new StringBuilder();
        await foreach (var update in model.GetStreamingResponseAsync([new ChatMessage(ChatRole.System, Instruction), new ChatMessage(ChatRole.User, excerpt.ToString())], options, cancellationToken))
            summary.Append(update.Text);
        var text = summary.ToString().Trim();
        return text.Length == 0 ? throw new InvalidOperationException("the model returned an empty summary") : text;
    }
}
