using Microsoft.Extensions.AI;

namespace VoiceAgent.Providers;

/// <summary>
/// An opt-in below <see cref="IChatClient"/> for the per-token path: a caller that puts <see cref="OptionKey"/> in
/// <see cref="ChatOptions.AdditionalProperties"/> promises to be done with each streamed
/// <see cref="ChatResponseUpdate"/> before it asks for the next, so a client that honours it may hand out one text
/// update per stream, its text replaced token by token, instead of a new update, contents list and
/// <see cref="TextContent"/> per token. Updates that carry anything else (tool calls, usage, a finish reason) are
/// always new objects. Without the key every update is its own object, as the <see cref="IChatClient"/> contract has it.
/// </summary>
/// <remarks>
/// The turn runner opts in (it reads the text and the contents of an update before the next); the stream watchdog
/// and the first-token race pass updates through and keep only those before the first token, which are never
/// reused. Honoured by the Anthropic client; the key never goes on the wire (the OpenAI layer removes it).
/// </remarks>
internal static class ReusedStreamingUpdates
{
    /// <summary>The <see cref="ChatOptions.AdditionalProperties"/> key that allows reuse (value <c>true</c>).</summary>
    public const string OptionKey = "voiceagent.reused_updates";

    private static readonly object True = true;

    /// <summary>
    /// Whether <paramref name="client"/> (or the first client behind its decorators) is one of ours that honours the
    /// key. A caller only sets it then, so an application's own client never sees a key it does not know.
    /// </summary>
    public static bool HonouredBy(IChatClient client) => client.GetService(typeof(Anthropic.AnthropicMessagesClient)) is not null;

    /// <summary>Allows reuse on <paramref name="options"/> (changes it).</summary>
    public static void Allow(ChatOptions options) => (options.AdditionalProperties ??= [])[OptionKey] = True;

    /// <summary>Whether the caller of a request with <paramref name="options"/> allowed reuse.</summary>
    public static bool Allowed(ChatOptions? options)
        => options?.AdditionalProperties is { } properties && properties.TryGetValue(OptionKey, out var value) && value is true;

    /// <summary><paramref name="options"/> without the key (a copy when it had it; the caller's object is never changed).</summary>
    public static ChatOptions? Without(ChatOptions? options)
    {
        if (options?.AdditionalProperties is not { } properties || !properties.ContainsKey(OptionKey)) return options;
        var copy = options.Clone();
        copy.AdditionalProperties!.Remove(OptionKey);
        if (copy.AdditionalProperties.Count == 0) copy.AdditionalProperties = null;
        return copy;
    }
}
