using System.Collections.Frozen;

namespace VoiceAgent.Conversation.Escalation;

/// <summary>
/// How alike two caller utterances are: the overlap coefficient of their content words (shared words over the smaller
/// set; normalised, filler and acknowledgement words dropped, a trailing plural "s" folded), so a rephrasing that adds
/// words ("where is my parcel, the one I ordered") still counts as the same question. Utterances with fewer than two content words are
/// not questions ("yes", "okay thanks") and never match, so a caller confirming three times is not a loop.
/// </summary>
internal static class QuestionSimilarity
{
    private static readonly FrozenSet<string> Filler = new[]
    {
        "a", "an", "the", "i", "i'm", "me", "my", "you", "your", "it", "it's", "is", "are", "am", "was", "be", "to", "of", "for",
        "and", "or", "on", "in", "at", "do", "does", "did", "can", "could", "would", "will", "please", "just", "so", "um", "uh",
        "yes", "yeah", "yep", "no", "nope", "ok", "okay", "sure", "thanks", "thank", "hi", "hello", "hey", "bye", "right", "well",
        "again", "said", "asked", "already", "like", "that", "this", "what", "what's", "tell", "know", "want", "need",
    }.ToFrozenSet(StringComparer.Ordinal);

    public static IReadOnlySet<string> ContentWords(string normalised)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (var word in CallerText.Words(normalised))
        {
            if (Filler.Contains(word)) continue;
            set.Add(word.Length > 3 && word.EndsWith('s') && !word.EndsWith("ss", StringComparison.Ordinal) ? word[..^1] : word);
        }
        return set;
    }

    public static double Of(IReadOnlySet<string> a, IReadOnlySet<string> b)
    {
        if (a.Count < 2 || b.Count < 2) return 0;
        var shared = a.Count(b.Contains);
        return (double)shared / Math.Min(a.Count, b.Count);
    }
}
