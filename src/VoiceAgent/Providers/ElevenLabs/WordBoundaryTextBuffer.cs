using System.Text;

namespace VoiceAgent.Providers.ElevenLabs;

/// <summary>
/// Turns model tokens into stream-input text frames that end on a word boundary.
/// </summary>
/// <remarks>
/// ElevenLabs asks that every text frame end with a space: it buffers text and starts a generation when a
/// chunk-length threshold is crossed, and a frame that stops mid-word ("Hel" then "lo ") can be cut into
/// two spoken fragments. LLM tokens usually begin with a space (" hours"), so forwarding every token as-is
/// would end nearly every frame mid-word, while appending a space to each token would break words
/// outright. Instead each token is forwarded the moment it completes a word: everything up to and
/// including the last whitespace goes out at once and only the trailing partial word waits, i.e. for one
/// token interval (~10–30 ms) and never for a timer. A run without any whitespace (scripts written without
/// spaces) is forwarded once it reaches <see cref="MaxHeldChars"/>, so nothing waits on a space that never
/// comes. Frames are never empty (that is end-of-stream) and never whitespace only (that is a keep-alive).
/// Not thread-safe: the stream has a single writer.
/// </remarks>
internal sealed class WordBoundaryTextBuffer
{
    /// <summary>Longest partial word held back before it is forwarded anyway.</summary>
    internal const int MaxHeldChars = 32;

    private readonly StringBuilder _pending = new();

    /// <summary>Adds a token; returns the text ready to send now, or null while only a partial word is held.</summary>
    public string? Append(string token)
    {
        _pending.Append(token);
        var cut = 0;
        for (var i = _pending.Length - 1; i >= 0; i--)
        {
            if (IsBoundary(_pending[i])) { cut = i + 1; break; }
        }

        if (cut > 0 && ContainsWord(cut)) return Take(cut);
        if (_pending.Length >= MaxHeldChars && ContainsWord(_pending.Length)) return Take(_pending.Length);
        return null;
    }

    /// <summary>Everything still held, ending with a space; a single space when no word is held.</summary>
    public string Drain()
    {
        if (!ContainsWord(_pending.Length))
        {
            _pending.Clear();
            return " ";
        }

        var text = Take(_pending.Length);
        return char.IsWhiteSpace(text[^1]) ? text : text + " ";
    }

    private string Take(int length)
    {
        var text = _pending.ToString(0, length);
        _pending.Remove(0, length);
        return text;
    }

    private bool ContainsWord(int length)
    {
        for (var i = 0; i < length; i++)
        {
            if (!char.IsWhiteSpace(_pending[i])) return true;
        }

        return false;
    }

    // Whitespace, plus the CJK punctuation that ends a phrase in scripts written without spaces.
    private static bool IsBoundary(char c) => char.IsWhiteSpace(c) || c is '。' or '、' or '，' or '！' or '？' or '；' or '：';
}
