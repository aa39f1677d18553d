using Microsoft.Extensions.Logging;
using VoiceAgent.Observability;
using VoiceAgent.Speech.Pipeline;

namespace VoiceAgent.Storage.Records;

/// <summary>
/// The locale table as the records store holds it, read for every call so an edited row applies to the next
/// call without a deploy. When the store cannot answer, the call goes on with the built-in (or file) rows.
/// </summary>
internal sealed partial class StoredLocales(IRecordsStore store, RecordsStartup startup, LocaleTable fallback, ILogger<StoredLocales> logger) : ICallLocales
{
    public async Task<CallLocale> ResolveAsync(string? from, IReadOnlyDictionary<string, string> parameters, CancellationToken cancellationToken)
        => (await TableAsync(cancellationToken)).Resolve(from, parameters);

    public async Task<LocaleTable> TableAsync(CancellationToken cancellationToken)
    {
        if (!startup.Migrated.IsCompletedSuccessfully) return fallback;
        try
        {
            var rows = await store.GetLocalesAsync(cancellationToken);
            var defaultRow = rows.FirstOrDefault(r => r.Name.Equals(fallback.Default.Name, StringComparison.OrdinalIgnoreCase));
            if (defaultRow is null)
            {
                LogFallback(logger, $"no row for the default locale {fallback.Default.Name}");
                return fallback;
            }
            return new LocaleTable(rows, defaultRow.Name);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // A store problem never fails the call: it goes on with the built-in rows.
            LogFallback(logger, ex.Message);
            return fallback;
        }
    }

    [LoggerMessage(EventId = EventIds.LocalesFallback, Level = LogLevel.Warning, Message = "Locale table unavailable from the records store ({Reason}); this call uses the built-in rows")]
    private static partial void LogFallback(ILogger logger, string reason);
}
