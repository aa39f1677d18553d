namespace VoiceAgent.Conversation.Compliance;

/// <summary>Reads the caller's answer to the consent prompt from a key press or from what they said.</summary>
internal static class ConsentAnswer
{
    /// <summary>True = continue (consented), false = opt out, null = not an answer.</summary>
    public static bool? FromDigit(string digit) => digit switch
    {
        "1" => true,
        "2" => false,
        _ => null,
    };

    /// <summary>
    /// The caller's own words (never the model's): yes-words only → true, no-words only → false, both or neither → null.
    /// Multi-word phrases ("do not") match as phrases.
    /// </summary>
    public static bool? FromSpeech(string text, ConsentTexts texts)
    {
        var normalized = " " + new string(text.ToLowerInvariant().Select(c => char.IsLetterOrDigit(c) || c == '\'' ? c : ' ').ToArray()) + " ";
        normalized = string.Join(' ', normalized.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        normalized = " " + normalized + " ";
        var yes = texts.YesWords.Any(w => normalized.Contains(" " + w.ToLowerInvariant() + " ", StringComparison.Ordinal));
        var no = texts.NoWords.Any(w => normalized.Contains(" " + w.ToLowerInvariant() + " ", StringComparison.Ordinal));
        return yes == no ? null : yes;
    }
}
