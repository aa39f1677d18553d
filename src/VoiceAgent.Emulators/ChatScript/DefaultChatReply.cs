namespace VoiceAgent.Emulators.ChatScript;

/// <summary>The deterministic reply an emulated model gives when nothing is scripted.</summary>
public static class DefaultChatReply
{
    /// <summary><c>"Emulated reply to: &lt;text&gt;. Anything else I can help with?"</c></summary>
    public static string For(string lastUserText) => $"Emulated reply to: {lastUserText.Trim()}. Anything else I can help with?";

    /// <summary>What the emulator streams for <paramref name="request"/> when nothing is scripted: the default reply, cut at the request's <c>max_tokens</c>.</summary>
    public static string For(RecordedChatRequest request)
    {
        var tokens = Tokens(request.LastUserText);
        return string.Concat(request.MaxTokens is { } max ? tokens.Take(Math.Max(0, max)) : tokens);
    }

    /// <summary>The default reply split into word-sized tokens (each word keeps its following space).</summary>
    public static IReadOnlyList<string> Tokens(string lastUserText) => SplitWords(For(lastUserText));

    /// <summary>Splits text into word-sized tokens whose concatenation is the original text.</summary>
    public static IReadOnlyList<string> SplitWords(string text)
    {
        var tokens = new List<string>();
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != ' ' || (i + 1 < text.Length && text[i + 1] == ' ')) continue;
            tokens.Add(text[start..(i + 1)]);
            start = i + 1;
        }
        if (start < text.Length) tokens.Add(text[start..]);
        return tokens;
    }
}
