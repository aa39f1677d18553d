namespace VoiceAgent.Emulators.ChatScript;

/// <summary>A <see cref="ChatReply"/> resolved against one request: concrete tokens, tool calls, delays and fault.</summary>
internal sealed record ChatReplyPlan
{
    public required string ResponseId { get; init; }
    public required string Model { get; init; }
    public required IReadOnlyList<string> TextChunks { get; init; }
    public required IReadOnlyList<ChatToolCallScript> ToolCalls { get; init; }
    public required TimeSpan FirstTokenDelay { get; init; }
    public required TimeSpan InterTokenDelay { get; init; }
    public ChatFault? Fault { get; init; }
    public Task? Gate { get; init; }
    public int GateAfterDeltas { get; init; }
    public required int InputTokens { get; init; }
    /// <summary>The part of <see cref="InputTokens"/> served from the prompt cache.</summary>
    public int CachedInputTokens { get; init; }
    /// <summary>Input tokens not served from the cache (Anthropic's <c>input_tokens</c>).</summary>
    public int UncachedInputTokens => Math.Max(0, InputTokens - CachedInputTokens);

    /// <summary>Tool call argument fragments, per tool call, in the order they are streamed.</summary>
    public required IReadOnlyList<IReadOnlyList<string>> ToolArgumentFragments { get; init; }

    public string FullText => string.Concat(TextChunks);

    /// <summary>Output tokens reported in usage: one per content delta.</summary>
    public int OutputTokens => TextChunks.Count + ToolArgumentFragments.Sum(f => f.Count);

    public bool HasToolCalls => ToolCalls.Count > 0;

    /// <summary>
    /// The request's output cap cut this reply short: the scripted reply had more deltas than the request's
    /// <c>max_tokens</c> (one delta is one token here, as <see cref="OutputTokens"/> counts them). The provider then
    /// ends the stream normally with its length stop reason (Anthropic <c>max_tokens</c>, OpenAI <c>length</c>).
    /// </summary>
    public bool Truncated { get; init; }

    public static ChatReplyPlan Resolve(ChatReply reply, RecordedChatRequest request, ChatEmulatorOptions options, string responseId, Func<int, string> toolCallId)
    {
        IReadOnlyList<string> chunks = reply.TextChunks ?? DefaultChatReply.Tokens(request.LastUserText);
        var calls = reply.ToolCalls.Select((c, i) => c.Id is null ? c with { Id = toolCallId(i) } : c).ToList();
        var fragments = calls.Select(c => Fragment(c.ArgumentsJson)).ToList();
        var truncated = request.MaxTokens is { } maxTokens && CutAtMaxTokens(maxTokens, ref chunks, calls, fragments);
        return new ChatReplyPlan
        {
            ResponseId = responseId,
            Model = request.Model,
            TextChunks = chunks,
            ToolCalls = calls,
            ToolArgumentFragments = fragments,
            Truncated = truncated,
            FirstTokenDelay = reply.FirstTokenDelay ?? options.FirstTokenDelay,
            InterTokenDelay = reply.InterTokenDelay ?? options.InterTokenDelay,
            Fault = reply.Fault,
            Gate = reply.Gate,
            GateAfterDeltas = reply.GateAfterDeltas,
            InputTokens = reply.InputTokens ?? CountWords(request),
            CachedInputTokens = reply.CachedInputTokens,
        };
    }

    /// <summary>
    /// Keeps the first <paramref name="maxTokens"/> deltas of the reply, text first, then the tool calls' argument
    /// fragments in order (a tool call cut before its first fragment is not started, one cut inside its arguments
    /// keeps the fragments sent, as the APIs leave a partial tool block); true when anything was cut.
    /// </summary>
    private static bool CutAtMaxTokens(int maxTokens, ref IReadOnlyList<string> chunks, List<ChatToolCallScript> calls, List<IReadOnlyList<string>> fragments)
    {
        var budget = Math.Max(0, maxTokens);
        var truncated = false;
        if (chunks.Count > budget)
        {
            chunks = chunks.Take(budget).ToArray();
            truncated = true;
        }
        budget -= chunks.Count;
        for (var i = 0; i < calls.Count; i++)
        {
            if (budget == 0 && fragments[i].Count > 0)
            {
                calls.RemoveRange(i, calls.Count - i);
                fragments.RemoveRange(i, fragments.Count - i);
                return true;
            }
            if (fragments[i].Count > budget)
            {
                fragments[i] = fragments[i].Take(budget).ToArray();
                truncated = true;
            }
            budget -= fragments[i].Count;
        }
        return truncated;
    }

    private static IReadOnlyList<string> Fragment(string json)
    {
        const int size = 12;
        var fragments = new List<string>();
        for (var i = 0; i < json.Length; i += size) fragments.Add(json.Substring(i, Math.Min(size, json.Length - i)));
        return fragments;
    }

    private static int CountWords(RecordedChatRequest request)
    {
        var words = (request.System ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        foreach (var m in request.Messages) words += m.Text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        return Math.Max(1, words);
    }
}
