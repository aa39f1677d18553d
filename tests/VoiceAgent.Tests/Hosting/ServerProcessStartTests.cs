using VoiceAgent.Tests.TestSupport;
using VoiceAgent.Tests.TestSupport.Processes;

namespace VoiceAgent.Tests.Hosting;

/// <summary>
/// How the tests' real server processes fail to start: at once, with the server's own output, and without leaving any
/// instance of a group running when another in it failed (no orphaned processes on a CI machine).
/// </summary>
public sealed class ServerProcessStartTests : IAsyncLifetime
{
    private string _dataDir = null!;

    public Task InitializeAsync()
    {
        _dataDir = Directory.CreateTempSubdirectory("voiceagent-start-").FullName;
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        if (_dataDir is not null) Directory.Delete(_dataDir, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_server_that_exits_at_start_up_fails_its_start_with_its_exit_code_and_output()
    {
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => ServerProcess.StartAsync(Environment(provider: "bogus")))
            .DefaultTimeout(ServerProcess.StartBound);

        Assert.Contains("exited with 2", failure.Message, StringComparison.Ordinal);
        Assert.Contains("LLM_PROVIDER must be 'anthropic' or 'openai' (got 'bogus')", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task When_one_server_of_a_group_fails_to_start_the_ones_that_started_are_stopped_and_the_failure_is_rethrown()
    {
        int? startedId = null;
        Func<Task<ServerProcess>>[] starts =
        [
            async () =>
            {
                var server = await ServerProcess.StartAsync(Environment(provider: "anthropic"));
                startedId = server.ProcessId;
                return server;
            },
            () => ServerProcess.StartAsync(Environment(provider: "bogus")),
        ];

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => ServerGroup.StartAllAsync(starts, ServerProcess.StartBound))
            .DefaultTimeout(ServerProcess.StartBound + ServerProcess.StartBound);

        Assert.Contains("LLM_PROVIDER", failure.Message, StringComparison.Ordinal);
        Assert.NotNull(startedId); // it did come up...
        Assert.Throws<ArgumentException>(() => System.Diagnostics.Process.GetProcessById(startedId.Value)); // ...and is gone
    }

    private Dictionary<string, string> Environment(string provider) => new()
    {
        ["DATA_DIR"] = Directory.CreateDirectory(Path.Combine(_dataDir, provider)).FullName,
        ["REDIS_URL"] = "", // empty reads as unset, whatever the test process's environment holds
        ["DATABASE_URL"] = "",
        ["LLM_PROVIDER"] = provider,
    };
}
