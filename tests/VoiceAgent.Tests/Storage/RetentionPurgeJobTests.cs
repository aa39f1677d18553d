using Microsoft.Extensions.Logging.Abstractions;
using VoiceAgent.Storage.Records;
using VoiceAgent.Tests.TestSupport;
using static VoiceAgent.Tests.Storage.RecordsTestSupport;

namespace VoiceAgent.Tests.Storage;

/// <summary>The retention purge on an injected clock against a real SQLite store.</summary>
public sealed class RetentionPurgeJobTests : IAsyncLifetime
{
    private RecordsBackend _backend = null!;

    public async Task InitializeAsync() => _backend = await RecordsBackend.CreateAsync("sqlite");
    public async Task DisposeAsync() => await _backend.DisposeAsync();

    [Fact]
    public async Task Transcripts_older_than_the_retention_are_purged_at_start_and_then_as_time_passes()
    {
        var clock = new ManualTimeProvider();
        await using var store = _backend.OpenStore();
        await store.MigrateAsync(CancellationToken.None);
        var now = clock.GetUtcNow();
        foreach (var (sid, age) in new[] { ("CA-ancient", 11), ("CA-old", 9), ("CA-recent", 1) })
            await store.InsertTranscriptAsync(new StoredTranscript(sid, null, now.AddDays(-age).AddMinutes(-5), now.AddDays(-age), "k1", [1]), CancellationToken.None);
        var startup = new RecordsStartup(store, [], clock, NullLogger<RecordsStartup>.Instance);
        var job = new RetentionPurgeJob(store, startup, TimeSpan.FromDays(10), clock, NullLogger<RetentionPurgeJob>.Instance);
        await startup.StartAsync(CancellationToken.None);
        await job.StartAsync(CancellationToken.None);
        try
        {
            await WaitForAsync(store, ["CA-old", "CA-recent"]); // the purge at start

            clock.Advance(TimeSpan.FromDays(2)); // CA-old is now 11 days old; the hourly tick comes due

            await WaitForAsync(store, ["CA-recent"]);
        }
        finally
        {
            await job.StopAsync(CancellationToken.None);
            await startup.StopAsync(CancellationToken.None);
        }
    }

    private static async Task WaitForAsync(IRecordsStore store, string[] expected)
    {
        await WaitUntilAsync(async () => (await store.ListTranscriptsAsync(CancellationToken.None)).Select(t => t.CallSid).SequenceEqual(expected),
            "transcripts " + string.Join(",", expected));
    }
}
