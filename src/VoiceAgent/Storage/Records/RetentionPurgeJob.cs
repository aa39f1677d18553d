using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using VoiceAgent.Observability;

namespace VoiceAgent.Storage.Records;

/// <summary>
/// Enforces <c>TRANSCRIPT_RETENTION_DAYS</c>: at start-up and then every <see cref="Interval"/> on the injected
/// clock, deletes transcripts whose call ended longer ago than the retention period.
/// </summary>
internal sealed partial class RetentionPurgeJob(IRecordsStore store, RecordsStartup startup, TimeSpan retention, TimeProvider clock, ILogger<RetentionPurgeJob> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await startup.Migrated.WaitAsync(stoppingToken);
        using var timer = new PeriodicTimer(Interval, clock);
        do
        {
            await PurgeAsync(stoppingToken);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    internal async Task PurgeAsync(CancellationToken cancellationToken)
    {
        var cutoff = clock.GetUtcNow() - retention;
        try
        {
            var purged = await store.DeleteTranscriptsEndedBeforeAsync(cutoff, cancellationToken);
            if (purged > 0) LogPurged(logger, purged, cutoff);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // The job's edge: a failed purge is logged and retried at the next interval; the server keeps serving.
            LogPurgeFailed(logger, ex.Message);
        }
    }

    [LoggerMessage(EventId = EventIds.RetentionPurged, Level = LogLevel.Information, Message = "Retention: deleted {Count} transcripts of calls ended before {Cutoff:O}")]
    private static partial void LogPurged(ILogger logger, int count, DateTimeOffset cutoff);

    [LoggerMessage(EventId = EventIds.RetentionPurgeFailed, Level = LogLevel.Warning, Message = "Retention purge failed ({Reason}); retried at the next interval")]
    private static partial void LogPurgeFailed(ILogger logger, string reason);
}
