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
    public async Task AFourTurnLevelAgainstARunningServerMeasuresEveryTurnAndToken()
    {
        // Four turns: a caller repeating one question had its third answered by the loop escalation, not the model.
        await using var server = await BenchedServer.StartAsync([]);
        var options = server.Options(turnsPerCall: 4);
        using var http = new HttpClient();

        var result = await new LevelRunner(options, http, TextWriter.Null).RunAsync(options.Candidate, "", "in-test server", 2, modelHttp: null, CancellationToken.None)
            .DefaultTimeout(TimeSpan.FromSeconds(120));

        Assert.Null(result.FirstFailure);
        Assert.Equal(8, result.Turns);
        Assert.Equal(0, result.FailedTurns);
        Assert.Equal(8, result.IngressMs.Count);
        Assert.Equal(8, result.EgressMs.Count);
        Assert.Equal(8 * 6, result.TokenRelayMs.Count);
        Assert.NotNull(result.FirstTurnMs);
        Assert.NotNull(result.LaterTurnsMedianMs);
        Assert.Null(result.CpuMsPerTurn); // no pid given: nothing is read from /proc
    }

    [Fact]
    public async Task ATurnTheServerAnsweredByHandingTheCallerOverIsReportedWithTheLineItSpoke()
    {
        // Any two prompts count as the same question here, so the second turn is escalated without the model.
        await using var server = await BenchedServer.StartAsync(new() { ["LOOP_REPEAT_COUNT"] = "2", ["LOOP_SIMILARITY"] = "0.01" });
        var options = server.Options(turnsPerCall: 3);
        using var http = new HttpClient();

        var result = await new LevelRunner(options, http, TextWriter.Null).RunAsync(options.Candidate, "", "in-test server", 1, modelHttp: null, CancellationToken.None)
            .DefaultTimeout(TimeSpan.FromSeconds(120));

        Assert.Equal(3, result.Turns);
        Assert.Equal(2, result.FailedTurns); // the escalated turn, and the one after the hand-off ended the call
        Assert.StartsWith("the model stand-in was never asked; the server answered \"Let me connect you with a person", result.FirstFailure);
        Assert.Null(result.FirstTurnMs);
    }

    /// <summary>An in-process server set up as the bench launches one, and the bench options that reach it.</summary>
    private sealed class BenchedServer : IAsyncDisposable
    {
        private readonly Microsoft.AspNetCore.Builder.WebApplication _app;
        private readonly string _dataDir;
        private readonly int _modelPort;

        private BenchedServer(Microsoft.AspNetCore.Builder.WebApplication app, string dataDir, int modelPort) => (_app, _dataDir, _modelPort) = (app, dataDir, modelPort);

        public static async Task<BenchedServer> StartAsync(Dictionary<string, string?> extra)
        {
            var modelPort = FreePort();
            var dataDir = Directory.CreateTempSubdirectory("voiceagent-bench-test-").FullName;
            var settings = new Dictionary<string, string?>
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
            };
            foreach (var (key, value) in extra) settings[key] = value;
            var app = await VoiceAgentServer.BuildAsync([], settings).DefaultTimeout();
            await app.StartAsync().DefaultTimeout();
            return new BenchedServer(app, dataDir, modelPort);
        }

        public OutsideBenchOptions Options(int turnsPerCall)
        {
            var options = new OutsideBenchOptions
            {
                Candidate = new ServerSpec("candidate", Url: _app.BoundAddress()),
                Levels = [2],
                TurnsPerCall = turnsPerCall,
                TurnGap = TimeSpan.Zero,
                FirstToken = TimeSpan.FromMilliseconds(5),
                Tokens = 6,
                TokenGap = TimeSpan.FromMilliseconds(1),
                ModelPort = _modelPort,
                AuthToken = RelayServer.AuthToken,
                AccountSid = RelayServer.AccountSid,
                PublicBaseUrl = RelayServer.PublicBaseUrl,
            };
            options.Validate();
            return options;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            Directory.Delete(_dataDir, recursive: true);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
