namespace VoiceAgent.Conversation.Compliance;

/// <summary>
/// The consent prompt (GDPR) asked before anything about a call is kept: recording and transcript retention.
/// Off by default (<c>CONSENT_REQUIRED=false</c>): whether a notice is needed depends on the deployment's
/// jurisdiction and purpose, and a prompt on every call costs every caller several seconds; the operator opts in.
/// </summary>
public sealed record ConsentOptions
{
    public bool Required { get; init; }

    /// <summary>Texts per locale (BCP-47); the call's language picks one, else <see cref="DefaultLocale"/>.</summary>
    public IReadOnlyDictionary<string, ConsentTexts> Texts { get; init; } = ConsentTexts.BuiltIn;

    public string DefaultLocale { get; init; } = "en-US";

    /// <summary>Unclear answers tolerated before the call goes on as declined (fail closed: nothing kept).</summary>
    public int MaxAttempts { get; init; } = 2;

    /// <summary>The texts for <paramref name="locale"/>: exact match, then same language, then the default.</summary>
    public ConsentTexts For(string? locale)
    {
        if (locale is not null)
        {
            if (Texts.TryGetValue(locale, out var exact)) return exact;
            var language = locale.Split('-')[0];
            foreach (var (key, texts) in Texts)
                if (key.Split('-')[0].Equals(language, StringComparison.OrdinalIgnoreCase)) return texts;
        }
        return Texts.TryGetValue(DefaultLocale, out var fallback) ? fallback : Texts.Values.First();
    }

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Texts.Count == 0) errors.Add("Consent texts are empty: CONSENT_TEXTS_FILE must hold at least one locale.");
        foreach (var (locale, texts) in Texts)
        {
            if (string.IsNullOrWhiteSpace(texts.Notice)) errors.Add($"Consent notice for '{locale}' is empty.");
            if (string.IsNullOrWhiteSpace(texts.Declined)) errors.Add($"Consent 'declined' line for '{locale}' is empty.");
        }
        if (MaxAttempts is < 1 or > 5) errors.Add($"CONSENT_MAX_ATTEMPTS must be 1..5 (got {MaxAttempts}).");
        return errors;
    }
}
