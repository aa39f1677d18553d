using System.Collections.Frozen;

namespace VoiceAgent.Conversation.Escalation;

/// <summary>
/// A lexicon score of one caller utterance: negative words count down, positive words up (a positive word after
/// "not"/"never" counts down), an intensifier ("so", "very") deepens the next negative word. Clamped to -6..4 so
/// one outburst cannot decide alone. Cheap (one pass over the words), on the caller's words only.
/// </summary>
internal static class SentimentScorer
{
    private static readonly FrozenDictionary<string, int> Lexicon = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        // strongly negative
        ["hate"] = -3, ["furious"] = -3, ["worst"] = -3, ["useless"] = -3, ["pathetic"] = -3, ["ridiculous"] = -3,
        ["disgusting"] = -3, ["outrageous"] = -3, ["unacceptable"] = -3, ["terrible"] = -3, ["horrible"] = -3, ["awful"] = -3,
        ["stupid"] = -3, ["idiot"] = -3, ["idiots"] = -3, ["incompetent"] = -3, ["garbage"] = -3, ["rubbish"] = -3, ["scam"] = -3,
        ["damn"] = -3, ["crap"] = -3, ["livid"] = -3, ["joke"] = -2,
        // negative
        ["angry"] = -2, ["annoyed"] = -2, ["annoying"] = -2, ["frustrated"] = -2, ["frustrating"] = -2, ["upset"] = -2, ["mad"] = -2,
        ["disappointed"] = -2, ["sick"] = -2, ["fed"] = -1, ["waste"] = -2, ["wasting"] = -2, ["nonsense"] = -2, ["lousy"] = -2,
        ["sucks"] = -2, ["bad"] = -2, ["wrong"] = -1, ["broken"] = -1, ["complaint"] = -1, ["ugh"] = -1,
        // positive
        ["thanks"] = 2, ["thank"] = 2, ["great"] = 2, ["perfect"] = 2, ["helpful"] = 2, ["appreciate"] = 2, ["awesome"] = 2,
        ["wonderful"] = 2, ["excellent"] = 2, ["good"] = 1, ["fine"] = 1, ["nice"] = 1, ["happy"] = 1,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly FrozenSet<string> Negations = new[] { "not", "never", "don't", "dont", "isn't", "wasn't", "no" }.ToFrozenSet(StringComparer.Ordinal);
    private static readonly FrozenSet<string> Intensifiers = new[] { "so", "very", "really", "extremely", "absolutely", "totally" }.ToFrozenSet(StringComparer.Ordinal);

    public const int Min = -6;
    public const int Max = 4;

    public static int Score(string normalised)
    {
        var words = CallerText.Words(normalised);
        var score = 0;
        for (var i = 0; i < words.Length; i++)
        {
            if (!Lexicon.TryGetValue(words[i], out var weight)) continue;
            // "not good", "not very good"; but in "not bad thanks" the "not" belongs to "bad", not to "thanks".
            var negated = (i > 0 && Negations.Contains(words[i - 1])) || (i > 1 && Negations.Contains(words[i - 2]) && !Lexicon.ContainsKey(words[i - 1]));
            if (weight > 0 && negated) weight = -weight;
            else if (weight < 0 && negated) weight = 0; // "not bad", "not wrong"
            if (weight < 0 && i > 0 && Intensifiers.Contains(words[i - 1])) weight -= 1;
            score += weight;
        }
        return Math.Clamp(score, Min, Max);
    }
}
