using System.Net;
using System.Text.Json;
using VoiceAgent.Tests.TestSupport;
using static VoiceAgent.Tests.Storage.RecordsTestSupport;

namespace VoiceAgent.Tests.Storage;

/// <summary>
/// PostgreSQL unreachable at call end (the connection to a real server cut by a <see cref="TcpGate"/>): the
/// transcript waits on disk, encrypted, and is written when the database is back, in order and exactly once.
/// </summary>
public sealed class DatabaseDownTests : IAsyncLifetime
{
    private PostgresBackend _backend = null!;
    private TcpGate _gate = null!;

    public async Task InitializeAsync()
    {
        _backend = (PostgresBackend)await RecordsBackend.CreateAsync("postgresql").DefaultTimeout(TimeSpan.FromSeconds(30));
        var target = new Uri(PostgresBackend.ServerUrl);
        _gate = new TcpGate(new IPEndPoint(IPAddress.Parse(target.Host), target.Port));
    }

    public async Task DisposeAsync()
    {
        await _gate.DisposeAsync();
        await _backend.DisposeAsync();
    }

    [Fact]
    public async Task Transcripts_of_calls_ending_while_the_database_is_down_are_written_in_order_exactly_once_when_it_is_back()
    {
        var settings = _backend.ServerSettings();
        settings["DATABASE_URL"] = _backend.UrlVia(_gate.Port);
        await using var server = await RelayServer.StartAsync(settings);
        var spool = Path.Combine(_backend.DataDir, "spool", "transcripts");

        var first = await CallAndHangUpAsync(server, "first call while the database is down");
        await WaitUntilAsync(() => Directory.GetFiles(spool, "*.spool").Length == 1, "the first call's record on the spool");
        var second = await CallAndHangUpAsync(server, "second call while the database is down");
        await WaitUntilAsync(() => Directory.GetFiles(spool, "*.spool").Length == 2, "the second call's record on the spool");

        Assert.Empty(FilesContaining(_backend.DataDir, "while the database is down")); // spooled, but sealed
        using (var http = new HttpClient { BaseAddress = server.Address })
        {
            using var ready = await http.GetAsync("/readyz").DefaultTimeout();
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            using var report = JsonDocument.Parse(await ready.Content.ReadAsStringAsync());
            var records = report.RootElement.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "records");
            Assert.False(records.GetProperty("reachable").GetBoolean());
        }
        var firstSpooled = Directory.GetFiles(spool, "*.spool").Order(StringComparer.Ordinal).First();
        var copyOfFirst = File.ReadAllBytes(firstSpooled);

        _gate.Open();
        var a = await WaitForTranscriptAsync(_backend, first, seconds: 90);
        var b = await WaitForTranscriptAsync(_backend, second, seconds: 90);
        Assert.True(a.Id < b.Id, "written in the order the calls ended");
        await WaitUntilAsync(() => Directory.GetFiles(spool, "*.spool").Length == 0, "the spool to empty");

        // A crash after the insert but before the spool file was removed delivers it again: still one row.
        File.WriteAllBytes(firstSpooled, copyOfFirst);
        var third = await CallAndHangUpAsync(server, "third call wakes the spool");
        await WaitForTranscriptAsync(_backend, third);
        await WaitUntilAsync(() => Directory.GetFiles(spool, "*.spool").Length == 0, "the spool to empty again");
        Assert.Empty(Directory.GetFiles(spool, "*.unreadable")); // it was delivered again, not set aside
        await using var store = _backend.OpenStore();
        var rows = await store.ListTranscriptsAsync(CancellationToken.None);
        Assert.Equal([first, second, third], rows.Select(r => r.CallSid));
    }
}
