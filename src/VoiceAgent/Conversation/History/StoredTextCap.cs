using System.Globalization;

namespace VoiceAgent.Conversation.History;

/// <summary>
/// Bounds the text one stored turn keeps (<c>HISTORY_REPLY_MAX_CHARS</c>): the call's history, the session store's
/// snapshots and the transcript hold at most this many characters of one reply or utterance. Longer text is cut at
/// the last word boundary that leaves room for a marker saying how long it was; shorter text is returned as is
/// (no copy).
/// </summary>
internal static class StoredTextCap
{
    /// <summary>Default cap in characters: a phone reply is a few hundred; the model's own cap (8192 tokens at most) is ~35 K.</summary>
    public const int DefaultMaxChars = 16_384;

    /// <summary>The smallest accepted cap: room for a sentence or two and the marker.</summary>
    public const int MinMaxChars = 1_024;

    /// <summary>The largest accepted cap.</summary>
    public const int MaxMaxChars = 1_048_576;

    /// <summary><paramref name="text"/> when it fits in <paramref name="maxChars"/>, else its start (whole words) and the marker, together at most <paramref name="maxChars"/>.</summary>
    public static string Apply(string text, int maxChars)
    {
        if (text.Length <= maxChars) return text;
        var marker = Marker(text.Length);
        var room = Math.Max(0, maxChars - marker.Length);
        // The last whitespace at or before the cut keeps whole words; a text with none in its second half is cut mid-word.
        var cut = text.AsSpan(0, Math.Min(room + 1, text.Length)).LastIndexOfAny(" \t\r\n");
        if (cut < room / 2) cut = room;
        if (cut > 0 && char.IsHighSurrogate(text[cut - 1])) cut--;
        return string.Concat(text.AsSpan(0, cut).TrimEnd(), marker);
    }

    private static string Marker(int length)
        => string.Create(CultureInfo.InvariantCulture, $" … [shortened for the record: {length} characters in full]");
}
