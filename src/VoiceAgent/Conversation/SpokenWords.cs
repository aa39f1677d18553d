namespace VoiceAgent.Conversation;

/// <summary>Compares what a caller said as words: an interim and its final differ in case and punctuation, not in words.</summary>
internal static class SpokenWords
{
    /// <summary>Same words, ignoring case, punctuation and spacing (an interim and its final differ in punctuation).</summary>
    public static bool Same(string a, string b)
    {
        int i = 0, j = 0;
        while (true)
        {
            while (i < a.Length && !char.IsLetterOrDigit(a[i])) i++;
            while (j < b.Length && !char.IsLetterOrDigit(b[j])) j++;
            if (i == a.Length || j == b.Length) return i == a.Length && j == b.Length;
            if (char.ToLowerInvariant(a[i]) != char.ToLowerInvariant(b[j])) return false;
            var aBreak = i + 1 == a.Length || !char.IsLetterOrDigit(a[i + 1]);
            var bBreak = j + 1 == b.Length || !char.IsLetterOrDigit(b[j + 1]);
            if (aBreak != bBreak) return false; // a word ends in one and not the other
            i++;
            j++;
        }
    }
}
