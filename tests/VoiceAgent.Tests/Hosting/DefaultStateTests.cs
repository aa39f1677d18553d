using System.Net;
using VoiceAgent.Tests.TestSupport;
using VoiceAgent.Tests.TestSupport.Processes;

namespace VoiceAgent.Tests.Hosting;

/// <summary>The README's run command, as a real process with nothing configured: no Redis, no PostgreSQL needed.</summary>
public sealed class DefaultStateTests : IAsyncLifetime
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(15) };
    private string _dataDir = null!;

    public Task InitializeAsync()
    {
        _dataDir = Directory.CreateTempSubdirectory("voiceagent-default-").FullName;
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        _http.Dispose();
        Directory.Delete(_dataDir, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Without_REDIS_URL_or_DATABASE_URL_the_server_is_ready_with_state_in_process_and_records_in_sqlite()
    {
        await using var server = await ServerProcess.StartAsync(new Dictionary<string, string>
        {
            ["DATA_DIR"] = _dataDir, // the README's default is ./data; a temporary folder here
            ["REDIS_URL"] = "", // empty reads as unset, whatever the test process's environment holds
            ["DATABASE_URL"] = "",
        }).DefaultTimeout(ServerProcess.StartBound);

        using var response = await _http.GetAsync(new Uri(server.Address, "/readyz")).DefaultTimeout();
        var body = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        Assert.Contains("sqlite", body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("redis", body, StringComparison.OrdinalIgnoreCase);
        Assert.True(File.Exists(Path.Combine(_dataDir, "records.db")), "the records should be a SQLite file in the data folder");
    }
}
