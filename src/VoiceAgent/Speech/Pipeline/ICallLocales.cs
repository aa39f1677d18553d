namespace VoiceAgent.Speech.Pipeline;

/// <summary>Where a call's locale row comes from (the records store's table, or a fixed <see cref="LocaleTable"/>).</summary>
internal interface ICallLocales
{
    Task<CallLocale> ResolveAsync(string? from, IReadOnlyDictionary<string, string> parameters, CancellationToken cancellationToken);
}
