using Microsoft.Extensions.AI;

namespace VoiceAgent.Conversation;

/// <summary>
/// What was said on one call, as the model should see it: a pinned call-context entry, then a rolling
/// window of exchanges. Agent replies that were cut off hold only what the caller actually heard and
/// are marked as interrupted, so the next turn reflects reality. Under <see cref="History.HistoryPolicy.Summarize"/>
/// (or when a request overflows its budget) turns leaving the window wait in <see cref="Unsummarised"/> until a
/// summary of them arrives and replaces them; under <see cref="History.HistoryPolicy.Handoff"/> nothing is trimmed.
/// One entry keeps at most <paramref name="maxTextChars"/> characters (<see cref="History.StoredTextCap"/>): what the
/// session store holds for a call stays bounded however long a reply or an utterance was.
/// </summary>
internal sealed class ConversationHistory(int maxExchanges, History.HistoryPolicy policy = History.HistoryPolicy.Rolling,
    int maxTextChars = History.StoredTextCap.DefaultMaxChars)
{
    private readonly List<Entry> _entries = [];
    private readonly List<Entry> _unsummarised = [];
    private string? _callContext;

    /// <summary>The summary of turns that left the window (null until one was made).</summary>
    public string? Summary { get; private set; }

    /// <summary>Turns that left the window and are not yet covered by <see cref="Summary"/> (oldest first).</summary>
    public IReadOnlyList<Entry> Unsummarised => _unsummarised;

    /// <summary>A summary of the first <paramref name="covered"/> unsummarised turns arrived: it replaces them.</summary>
    public void ApplySummary(string summary, int covered)
    {
        Summary = summary;
        _unsummarised.RemoveRange(0, Math.Min(covered, _unsummarised.Count));
        Version++;
    }

    /// <summary>
    /// Moves the oldest exchange out of the window to wait for a summary (the request was over its token budget);
    /// false when only one exchange is left.
    /// </summary>
    public bool FoldOldestExchange()
    {
        if (_entries.Count < 2) return false;
        var next = _entries.FindIndex(1, e => e.Role == ChatRole.User);
        if (next < 0) return false;
        _unsummarised.AddRange(_entries.GetRange(0, next));
        _entries.RemoveRange(0, next);
        Version++;
        return true;
    }

    /// <summary>Forgets every turn (a call whose caller opted out leaves nothing behind in the session store).</summary>
    public void Forget()
    {
        _entries.Clear();
        _unsummarised.Clear();
        Summary = null;
        Version++;
    }

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
        foreach (var entry in entries) _entries.Add(entry with { Text = Cap(entry.Text) });
        Trim();
        Version++;
    }

    public void AddUser(string text)
    {
        _entries.Add(new Entry(ChatRole.User, Cap(text), false));
        Trim();
        Version++;
    }

    /// <summary>Records an agent reply; <paramref name="note"/> (short: what the engine adds about it) follows the capped text.</summary>
    public void AddAssistant(string text, bool interrupted, string note = "") { _entries.Add(new Entry(ChatRole.Assistant, Cap(text) + note, interrupted)); Version++; }

    /// <summary>The most recent agent reply, when the last entry is one.</summary>
    public Entry? LastAssistant => _entries.Count > 0 && _entries[^1].Role == ChatRole.Assistant ? _entries[^1] : null;

    /// <summary>Rewrites the last agent reply to what the caller heard before talking over it.</summary>
    public void MarkLastAssistantInterrupted(string heard)
    {
        if (LastAssistant is { } last) { _entries[^1] = last with { Text = Cap(heard), Interrupted = true }; Version++; }
    }

    /// <summary>Undoes <see cref="MarkLastAssistantInterrupted"/> after a false interruption: the reply stands in full.</summary>
    public void RestoreLastAssistant(string fullText)
    {
        if (LastAssistant is { Interrupted: true } last) { _entries[^1] = last with { Text = Cap(fullText), Interrupted = false }; Version++; }
    }

    /// <summary>The messages for the next model request: system prompt, call context, window.</summary>
    public List<ChatMessage> BuildRequest(string systemPrompt, int skipUnsummarised = 0)
    {
        var messages = new List<ChatMessage>(_entries.Count + 4) { new(ChatRole.System, systemPrompt) };
        if (_callContext is not null) Append(messages, ChatRole.User, _callContext);
        if (Summary is not null) Append(messages, ChatRole.User, "[Notes on the earlier part of this call, summarised: " + Summary + "]");
        for (var i = skipUnsummarised; i < _unsummarised.Count; i++) Append(messages, _unsummarised[i]);
        for (var i = 0; i < _entries.Count; i++) Append(messages, _entries[i]);
        return messages;
    }

    private static void Append(List<ChatMessage> messages, Entry entry)
        => Append(messages, entry.Role, entry.Interrupted ? RenderInterrupted(entry.Text) : entry.Text);

    /// <summary>Appends a caller utterance to a request built by <see cref="BuildRequest"/> as <see cref="AddUser"/> would have placed it, without changing the history.</summary>
    public static void AppendUser(List<ChatMessage> messages, string text) => Append(messages, ChatRole.User, text);

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

    private string Cap(string text) => History.StoredTextCap.Apply(text, maxTextChars);

    private void Trim()
    {
        if (policy == History.HistoryPolicy.Handoff) return;
        var users = 0;
        for (var i = _entries.Count - 1; i >= 0; i--)
        {
            if (_entries[i].Role != ChatRole.User) continue;
            if (++users > maxExchanges)
            {
                // Never start the window with a reply to a question the model can no longer see.
                var cut = i + 1;
                while (cut < _entries.Count && _entries[cut].Role != ChatRole.User) cut++;
                if (policy == History.HistoryPolicy.Summarize) _unsummarised.AddRange(_entries.GetRange(0, cut));
                _entries.RemoveRange(0, cut);
                return;
            }
        }
    }
}
