using System.Net;
using System.Net.Sockets;
using VoiceAgent.Cli.Bench.Outside;
using VoiceAgent.Server;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.Cli.Bench;

/// <summary>A tiny outside-bench level against a real server over real sockets (no timing asserts: figures are the bench's business).</summary>
public sealed class OutsideBenchRunTests
{
    [Fact]
    public async Task ATwoCallLevelAgainstARunningServerMeasuresEveryTurnAndToken()
    {
        var modelPort = FreePort();
        var dataDir = Directory.CreateTempSubdirectory("voiceagent-bench-test-").FullName;
        var app = await VoiceAgentServer.BuildAsync([], new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["PUBLIC_BASE_URL"] = RelayServer.PublicBaseUrl,
            ["TWILIO_AUTH_TOKEN"] = RelayServer.AuthToken,
            ["TWILIO_ACCOUNT_SID"] = RelayServer.AccountSid,
            ["WELCOME_GREETING"] = "",
            ["DATA_DIR"] = dataDir,
            ["ANTHROPIC_API_KEY"] = "bench",
            ["ANTHROPIC_BASE_URL"] = $"http://127.0.0.1:{modelPort}",
            ["Logging:LogLevel:Default"] = "Warning",
        }).DefaultTimeout();
        await app.StartAsync().DefaultTimeout();
        try
        {
            var options = new OutsideBenchOptions
            {
                Candidate = new ServerSpec("candidate", Url: app.BoundAddress()),
                Levels = [2],
                TurnsPerCall = 2,
                TurnGap = TimeSpan.Zero,
                FirstToken = TimeSpan.FromMilliseconds(5),
                Tokens = 6,
                TokenGap = TimeSpan.FromMilliseconds(1),
                ModelPort = modelPort,
                AuthToken = RelayServer.AuthToken,
                AccountSid = RelayServer.AccountSid,
                PublicBaseUrl = RelayServer.PublicBaseUrl,
            };
            options.Validate();
            using var http = new HttpClient();
            var runner = new LevelRunner(options, http, TextWriter.Null);

            var result = await runner.RunAsync(options.Candidate, "", "in-test server", 2, CancellationToken.None).DefaultTimeout(TimeSpan.FromSeconds(120));

            Assert.Null(result.FirstFailure);
            Assert.Equal(4, result.Turns);
            Assert.Equal(0, result.FailedTurns);
            Assert.Equal(4, result.IngressMs.Count);
            Assert.Equal(4, result.EgressMs.Count);
            Assert.Equal(4 * 6, result.TokenRelayMs.Count);
            Assert.NotNull(result.FirstTurnMs);
            Assert.Null(result.CpuMsPerTurn); // no pid given: nothing is read from /proc
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
            Directory.Delete(dataDir, recursive: true);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
