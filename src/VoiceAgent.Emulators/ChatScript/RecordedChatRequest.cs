namespace VoiceAgent.Emulators.ChatScript;

/// <summary>A request an emulated model endpoint received, parsed into the fields tests assert on.</summary>
public sealed record RecordedChatRequest
{
    /// <summary>0-based arrival order on this emulator.</summary>
    public int Index { get; init; }

    /// <summary>The <c>model</c> field.</summary>
    public required string Model { get; init; }

    /// <summary>
    /// Output cap: Anthropic <c>max_tokens</c>; OpenAI <c>max_completion_tokens</c>, else <c>max_tokens</c>.
    /// </summary>
    public int? MaxTokens { get; init; }

    /// <summary>System prompt text (Anthropic <c>system</c>; OpenAI <c>system</c>/<c>developer</c> messages joined), or null.</summary>
    public string? System { get; init; }

    /// <summary>The <c>messages</c> array in order (for OpenAI this includes the system message).</summary>
    public required IReadOnlyList<RecordedChatMessage> Messages { get; init; }

    /// <summary>Names of the declared tools, in order.</summary>
    public IReadOnlyList<string> ToolNames { get; init; } = [];

    /// <summary>Whether <c>stream</c> was true.</summary>
    public bool Stream { get; init; }

    /// <summary>The HTTP protocol the request came over, e.g. <c>HTTP/1.1</c> or <c>HTTP/2</c>.</summary>
    public string Protocol { get; init; } = "";

    /// <summary>The request body exactly as received.</summary>
    public required string RawJson { get; init; }

    /// <summary>Text of the last user message that has text, or an empty string.</summary>
    public string LastUserText
        => Messages.LastOrDefault(m => m.Role == "user" && m.Text.Length > 0)?.Text ?? string.Empty;
}
