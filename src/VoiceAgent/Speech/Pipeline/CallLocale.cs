namespace VoiceAgent.Speech.Pipeline;

/// <summary>One row of the locale table: what a call in this locale hears and is heard with.</summary>
/// <param name="Name">Locale name, e.g. <c>en-US</c>; also what a caller may pass as the <c>locale</c> parameter.</param>
/// <param name="CallingCodes">Country calling codes (without +) whose callers get this locale, e.g. <c>1</c>, <c>44</c>.</param>
public sealed record CallLocale(string Name, IReadOnlyList<string> CallingCodes, string SttModel, string SttLanguage, string TtsVoiceId, string? TtsLanguageCode);
