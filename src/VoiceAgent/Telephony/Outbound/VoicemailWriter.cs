using System.Text;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using VoiceAgent.Conversation;

namespace VoiceAgent.Telephony.Outbound;

/// <summary>
/// The message left on an answering machine: <c>OUTBOUND_VOICEMAIL</c> filled from the call's context, or, with
/// <c>OUTBOUND_VOICEMAIL_BY_MODEL</c>, written by the model from that context (the persona stays the system prompt;
/// the context goes in the user turn, as on a live call). A model that fails or is slow leaves the template.
/// </summary>
internal sealed class VoicemailWriter(OutboundSettings options, IChatClient? chat, AgentOptions agent, ILogger<VoicemailWriter> logger)
{
    private static readonly TimeSpan ModelBudget = TimeSpan.FromSeconds(8);

    public async Task<(string Text, string Author)> WriteAsync(IReadOnlyDictionary<string, string> context, CancellationToken ct)
    {
        var template = MessageTemplate.Render(options.Voicemail, context);
        if (!options.VoicemailByModel || chat is null) return (template, "template");
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(ct);
        budget.CancelAfter(ModelBudget);
        try
        {
            var prompt = new StringBuilder("[Call context from the phone system]");
            foreach (var (key, value) in context.OrderBy(p => p.Key, StringComparer.Ordinal)) prompt.Append('\n').Append(key).Append(": ").Append(value);
            prompt.Append("\n\nYou placed this call and reached an answering machine; it is recording now. Write the voicemail to leave: ")
                .Append("at most 60 words, plain speakable text, no placeholders, say who is calling, why, and how to call back.");
            var text = new StringBuilder();
            await foreach (var update in chat.GetStreamingResponseAsync(
                [new ChatMessage(ChatRole.System, agent.SystemPrompt), new ChatMessage(ChatRole.User, prompt.ToString())], new ChatOptions { MaxOutputTokens = 200 }, budget.Token))
                text.Append(update.Text);
            var written = text.ToString().Trim();
            if (written.Length is > 0 and <= 1000) return (written, "model");
            OutboundLog.VoicemailModelFailed(logger, written.Length == 0 ? "empty reply" : "reply too long");
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            OutboundLog.VoicemailModelFailed(logger, ex.GetType().Name);
        }
        return (template, "template");
    }
}
