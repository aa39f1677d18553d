using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using VoiceAgent.Observability;
using VoiceAgent.Speech.Pipeline;

namespace VoiceAgent.Storage.Records;

/// <summary>
/// Applies migrations and seeds the locale table at start-up. A database that is down does not stop the server
/// (calls go on; records spool): this retries with back-off until it succeeds, and <see cref="Migrated"/>
/// completes then. Everything that writes records waits for it.
/// </summary>
internal sealed partial class RecordsStartup(IRecordsStore store, IReadOnlyList<CallLocale> seedLocales, TimeProvider clock, ILogger<RecordsStartup> logger) : BackgroundService
{
    private readonly TaskCompletionSource _migrated = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Migrated => _migrated.Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var backoff = TimeSpan.FromSeconds(1);
        while (true)
        {
            try
            {
                await store.MigrateAsync(stoppingToken);
                await store.SeedLocalesAsync(seedLocales, stoppingToken);
                LogMigrated(logger, store.Describe);
                _migrated.TrySetResult();
                return;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogMigrationFailed(logger, store.Describe, ex.GetType().Name, ex.Message, backoff.TotalSeconds);
            }
            await Task.Delay(backoff, clock, stoppingToken);
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
        }
    }

    [LoggerMessage(EventId = EventIds.MigrationsApplied, Level = LogLevel.Information, Message = "Records store {Store}: schema up to date")]
    private static partial void LogMigrated(ILogger logger, string store);

    [LoggerMessage(EventId = EventIds.RecordsStoreDown, Level = LogLevel.Warning, Message = "Records store {Store} unavailable at start-up ({ExceptionType}: {Reason}); retrying in {Seconds} s, records are spooled meanwhile")]
    private static partial void LogMigrationFailed(ILogger logger, string store, string exceptionType, string reason, double seconds);
}
