namespace VoiceAgent.Emulators.ChatScript;

/// <summary>
/// What the emulated model answers to one request. Enqueue with <see cref="ChatEmulatorHost.Enqueue"/>; requests
/// with nothing enqueued get <see cref="Default"/>.
/// </summary>
public sealed record ChatReply
{
    /// <summary>Text chunks, one content delta each. Null means the default reply derived from the last user message.</summary>
    public IReadOnlyList<string>? TextChunks { get; init; }

    /// <summary>Tool calls made after the text (if any).</summary>
    public IReadOnlyList<ChatToolCallScript> ToolCalls { get; init; } = [];

    /// <summary>Delay before the first content delta; null uses the emulator's default.</summary>
    public TimeSpan? FirstTokenDelay { get; init; }

    /// <summary>Delay between content deltas; null uses the emulator's default.</summary>
    public TimeSpan? InterTokenDelay { get; init; }

    /// <summary>A failure to inject (HTTP error, in-stream error, stall, dropped connection).</summary>
    public ChatFault? Fault { get; init; }

    /// <summary>
    /// If set, the emulator waits for this task before sending delta number <see cref="GateAfterDeltas"/> (0-based),
    /// so a test can prove tokens reach the client before the rest of the reply exists.
    /// </summary>
    public Task? Gate { get; init; }

    /// <summary>Number of deltas sent before waiting on <see cref="Gate"/>.</summary>
    public int GateAfterDeltas { get; init; } = 1;

    /// <summary>The default reply: <c>"Emulated reply to: &lt;last user text&gt;. Anything else I can help with?"</c>, word by word.</summary>
    /// <summary>
    /// Input tokens the provider reports for this reply's request, cached ones included (null: the request's word
    /// count). Anthropic reports the uncached part as <c>input_tokens</c> beside <c>cache_read_input_tokens</c>; OpenAI
    /// reports all of them as <c>prompt_tokens</c> with <c>prompt_tokens_details.cached_tokens</c>.
    /// </summary>
    public int? InputTokens { get; init; }

    /// <summary>The part of <see cref="InputTokens"/> read from the provider's prompt cache.</summary>
    public int CachedInputTokens { get; init; }

    public static ChatReply Default { get; } = new();

    /// <summary>A text reply streamed as exactly these chunks.</summary>
    public static ChatReply Text(params string[] chunks) => new() { TextChunks = chunks };

    /// <summary>A reply that is one tool call and no text.</summary>
    public static ChatReply ToolCall(string name, string argumentsJson, string? id = null)
        => new() { TextChunks = [], ToolCalls = [new ChatToolCallScript(name, argumentsJson, id)] };

    /// <summary>The default reply with a fault injected.</summary>
    public static ChatReply Failing(ChatFault fault) => new() { Fault = fault };
}
