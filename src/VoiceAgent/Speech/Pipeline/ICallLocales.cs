namespace VoiceAgent.Speech.Pipeline;

/// <summary>Where a call's locale row comes from (the records store's table, or a fixed <see cref="LocaleTable"/>).</summary>
internal interface ICallLocales
{
    Task<CallLocale> ResolveAsync(string? from, IReadOnlyDictionary<string, string> parameters, CancellationToken cancellationToken);

    /// <summary>The whole table as it stands now (a mid-call language switch looks its row up here).</summary>
    Task<LocaleTable> TableAsync(CancellationToken cancellationToken);
}
