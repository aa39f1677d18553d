namespace VoiceAgent.Conversation.Compliance;

/// <summary>What the caller hears in the consent prompt, in one language.</summary>
public sealed record ConsentTexts
{
    /// <summary>The notice, ending with the choice (press 1 / press 2, or say yes / no).</summary>
    public required string Notice { get; init; }
    /// <summary>Said when the answer was not understood; the notice follows again.</summary>
    public required string NotUnderstood { get; init; }
    /// <summary>Said after an opt-out (then the conversation goes on, with nothing kept).</summary>
    public required string Declined { get; init; }
    /// <summary>Caller words that mean yes (compared after lower-casing and trimming punctuation).</summary>
    public IReadOnlyList<string> YesWords { get; init; } = ["yes"];
    /// <summary>Caller words that mean no.</summary>
    public IReadOnlyList<string> NoWords { get; init; } = ["no"];

    /// <summary>The built-in texts: English and Spanish. Others come from <c>CONSENT_TEXTS_FILE</c>.</summary>
    public static IReadOnlyDictionary<string, ConsentTexts> BuiltIn { get; } = new Dictionary<string, ConsentTexts>(StringComparer.OrdinalIgnoreCase)
    {
        ["en-US"] = new()
        {
            Notice = "Hi, thanks for calling. To help us serve you, this call may be recorded and transcribed. Press 1 or say yes to continue, or press 2 or say no if you'd rather we keep nothing.",
            NotUnderstood = "Sorry, I didn't catch that.",
            Declined = "No problem, nothing from this call will be kept.",
            YesWords = ["yes", "yeah", "yep", "sure", "ok", "okay", "continue", "one"],
            NoWords = ["no", "nope", "don't", "do not", "opt out", "two"],
        },
        ["es-US"] = new()
        {
            Notice = "Hola, gracias por llamar. Esta llamada puede ser grabada y transcrita. Marque 1 o diga sí para continuar, o marque 2 o diga no si prefiere que no guardemos nada.",
            NotUnderstood = "Perdón, no le entendí.",
            Declined = "De acuerdo, no guardaremos nada de esta llamada.",
            YesWords = ["sí", "si", "claro", "vale", "uno"],
            NoWords = ["no", "dos"],
        },
    };
}
