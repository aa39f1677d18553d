using Microsoft.Extensions.AI;

namespace VoiceAgent.Conversation;

/// <summary>
/// What was said on one call, as the model should see it: a pinned call-context entry, then a rolling
/// window of exchanges. Agent replies that were cut off hold only what the caller actually heard and
/// are marked as interrupted, so the next turn reflects reality.
/// </summary>
internal sealed class ConversationHistory(int maxExchanges)
{
    private readonly List<Entry> _entries = [];
    private string? _callContext;

    internal sealed record Entry(ChatRole Role, string Text, bool Interrupted);

    public IReadOnlyList<Entry> Entries => _entries;

    /// <summary>Goes up on every change; the session store is written only when it moved.</summary>
    public int Version { get; private set; }

    /// <summary>Per-call facts (caller number, custom parameters). Kept outside the rolling window.</summary>
    public void SetCallContext(string context) { _callContext = context; Version++; }

    /// <summary>The call context in effect (null until the call started).</summary>
    public string? CallContext => _callContext;

    /// <summary>Puts back the window of a call resumed from the session store (oldest first).</summary>
    public void Restore(IEnumerable<Entry> entries)
    {
        _entries.Clear();
        _entries.AddRange(entries);
        Trim();
        Version++;
    }

    public void AddUser(string text)
    {
        _entries.Add(new Entry(ChatRole.User, text, false));
        Trim();
        Version++;
    }

    public void AddAssistant(string text, bool interrupted) { _entries.Add(new Entry(ChatRole.Assistant, text, interrupted)); Version++; }

    /// <summary>The most recent agent reply, when the last entry is one.</summary>
    public Entry? LastAssistant => _entries.Count > 0 && _entries[^1].Role == ChatRole.Assistant ? _entries[^1] : null;

    /// <summary>Rewrites the last agent reply to what the caller heard before talking over it.</summary>
    public void MarkLastAssistantInterrupted(string heard)
    {
        if (LastAssistant is { } last) { _entries[^1] = last with { Text = heard, Interrupted = true }; Version++; }
    }

    /// <summary>Undoes <see cref="MarkLastAssistantInterrupted"/> after a false interruption: the reply stands in full.</summary>
    public void RestoreLastAssistant(string fullText)
    {
        if (LastAssistant is { Interrupted: true } last) { _entries[^1] = last with { Text = fullText, Interrupted = false }; Version++; }
    }

    /// <summary>The messages for the next model request: system prompt, call context, window.</summary>
    public List<ChatMessage> BuildRequest(string systemPrompt)
    {
        var messages = new List<ChatMessage>(_entries.Count + 2) { new(ChatRole.System, systemPrompt) };
        if (_callContext is not null) Append(messages, ChatRole.User, _callContext);
        foreach (var entry in _entries)
            Append(messages, entry.Role, entry.Interrupted ? RenderInterrupted(entry.Text) : entry.Text);
        return messages;
    }

    internal static string RenderInterrupted(string heard) => heard.Length == 0
        ? "[interrupted: the caller talked over me before hearing anything]"
        : $"{heard.TrimEnd()}… [interrupted: the caller talked over me and heard only this much]";

    // Providers want alternating roles; consecutive entries of one role (context then first utterance,
    // two utterances while a reply was cut) are joined into one message.
    private static void Append(List<ChatMessage> messages, ChatRole role, string text)
    {
        if (messages.Count > 1 && messages[^1].Role == role)
            messages[^1] = new ChatMessage(role, messages[^1].Text + "\n" + text);
        else
            messages.Add(new ChatMessage(role, text));
    }

    private void Trim()
    {
        var users = 0;
        for (var i = _entries.Count - 1; i >= 0; i--)
        {
            if (_entries[i].Role != ChatRole.User) continue;
            if (++users > maxExchanges)
            {
                _entries.RemoveRange(0, i + 1);
                // Never start the window with a reply to a question the model can no longer see.
                while (_entries.Count > 0 && _entries[0].Role != ChatRole.User) _entries.RemoveAt(0);
                return;
            }
        }
    }
}
