using System.Text.RegularExpressions;

namespace VoiceAgent.Conversation.Escalation;

/// <summary>
/// Does the caller ask to speak to a person? A cheap intent classifier on the caller's own (normalised) words:
/// a request verb followed within a few words by a person noun, or a bare "agent"/"operator"/"representative";
/// negated requests ("I don't want to talk to a person") and possessives ("my agent") do not count. It never reads
/// the model's replies.
/// </summary>
internal static partial class PersonRequestClassifier
{
    public static bool AsksForPerson(string normalised)
    {
        if (normalised.Length == 0) return false;
        if (Bare().IsMatch(normalised)) return true;
        foreach (Match match in Request().Matches(normalised))
        {
            var before = normalised[..match.Index];
            if (Negated().IsMatch(before)) continue;
            if (match.Groups["owner"].Success) continue;
            return true;
        }
        return false;
    }

    // "speak to a real person", "can you connect me with someone", "get me a manager", "transfer me to an agent please".
    [GeneratedRegex(@"\b(speak|talk|connect|transfer|put me through|get me|give me|want|need|reach|like)\b(?: [a-z']+){0,4}? (?:(?<owner>my|his|her|their|your|our) )?(?:(?:a|an|the|some|real|live|actual|human) )*(person|human|humans|people|agent|representative|rep|operator|someone|somebody|manager|supervisor)\b")]
    private static partial Regex Request();

    // The whole utterance is the request: "agent", "a real person please", "representative".
    [GeneratedRegex(@"^(?:(?:a|an|the|real|live|human) )*(person|human|agent|representative|operator)(?: please)?$")]
    private static partial Regex Bare();

    // "don't want", "do not need", "no need to", "never", "not" right before the request verb.
    [GeneratedRegex(@"\b(don't|dont|do not|doesn't|not|never|no need)(?: [a-z']+){0,2}$|\b(don't|dont|do not|not|never|no need)(?: [a-z']+){0,2} $")]
    private static partial Regex Negated();
}
