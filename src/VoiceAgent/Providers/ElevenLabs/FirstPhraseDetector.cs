namespace VoiceAgent.Providers.ElevenLabs;

/// <summary>
/// Finds the end of a reply's first natural phrase in the text sent so far, so the stream can ask ElevenLabs to
/// start speaking there (<c>flush: true</c>) instead of waiting until the chunk schedule's first threshold is
/// buffered. A phrase ends at sentence or clause punctuation followed by whitespace, once it holds at least
/// <see cref="MinPhraseChars"/> letters or digits ("Sure, " is too short to be worth a generation of its own;
/// "Sure, I can help with that. " is not). Only the first phrase is flushed: from then on the schedule's longer
/// chunks keep the prosody of the rest of the reply whole. Not thread-safe: the stream has a single writer.
/// </summary>
internal sealed class FirstPhraseDetector
{
    /// <summary>Letters and digits the first phrase needs before its punctuation counts as its end.</summary>
    internal const int MinPhraseChars = 8;

    private int _wordChars;
    private bool _found;

    /// <summary>True once: for the piece of text in which the first phrase ends.</summary>
    public bool EndsFirstPhrase(string text)
    {
        if (_found) return false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsLetterOrDigit(c))
            {
                _wordChars++;
                continue;
            }
            if (_wordChars < MinPhraseChars || !IsPhraseEnd(c)) continue;
            // Western punctuation ends a phrase only before whitespace ("3.5", "e.g.x" do not); CJK needs none.
            if (c is '。' or '！' or '？' or '，' or '、' or '；' || (i + 1 < text.Length && char.IsWhiteSpace(text[i + 1])))
            {
                _found = true;
                return true;
            }
        }
        return false;
    }

    private static bool IsPhraseEnd(char c) => c is '.' or '!' or '?' or ',' or ';' or ':' or '。' or '！' or '？' or '，' or '、' or '；';
}
