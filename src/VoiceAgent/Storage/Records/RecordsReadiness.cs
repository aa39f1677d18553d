using VoiceAgent.Hosting;
using VoiceAgent.Storage.Spool;

namespace VoiceAgent.Storage.Records;

/// <summary><c>/readyz</c>: the records store answers and its schema is migrated; reports the spools' backlog.</summary>
internal sealed class RecordsReadiness(IRecordsStore store, RecordsStartup startup, IEnumerable<SpoolDrainer> spools) : IReadinessContributor
{
    public async Task<ReadinessCheck> CheckAsync(CancellationToken cancellationToken)
    {
        var backlog = string.Join(", ", spools.Select(s => $"{s.Name} backlog {s.Backlog}"));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(2));
        try
        {
            await store.PingAsync(timeout.Token);
            if (!startup.Migrated.IsCompletedSuccessfully) return new ReadinessCheck("records", store.Describe, false, "migrations not applied yet; " + backlog);
            return new ReadinessCheck("records", store.Describe, true, null);
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or OperationCanceledException or System.Net.Sockets.SocketException or TimeoutException)
        {
            return new ReadinessCheck("records", store.Describe, false, (ex is OperationCanceledException ? "timeout" : ex.Message) + "; " + backlog);
        }
    }
}
