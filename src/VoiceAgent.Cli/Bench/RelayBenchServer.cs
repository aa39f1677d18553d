using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Builder;
using VoiceAgent.Emulators.Anthropic;
using VoiceAgent.Emulators.Twilio;
using VoiceAgent.Hosting;
using VoiceAgent.Server;

namespace VoiceAgent.Cli.Bench;

/// <summary>
/// The relay benches' set-up: the real server in this process on a loopback port and a temporary data folder, against a
/// zero-latency model emulator, with the session store named by <c>redisUrl</c> (null: in process). Disposing it stops
/// the server and the emulator and deletes the folder.
/// </summary>
internal sealed class RelayBenchServer : IAsyncDisposable
{
    private readonly AnthropicEmulator _model;
    private readonly string _dataDir;

    private RelayBenchServer(AnthropicEmulator model, WebApplication app, string dataDir)
    {
        _model = model;
        App = app;
        _dataDir = dataDir;
    }

    public WebApplication App { get; }

    public static async Task<RelayBenchServer> StartAsync(string? redisUrl, CancellationToken cancellationToken)
    {
        var dataDir = Directory.CreateTempSubdirectory("voiceagent-bench-").FullName;
        var model = new AnthropicEmulator(new() { ApiKey = "bench", FirstTokenDelay = TimeSpan.Zero, InterTokenDelay = TimeSpan.Zero });
        WebApplication? app = null;
        try
        {
            await model.StartAsync(cancellationToken: cancellationToken);
            app = await VoiceAgentServer.BuildAsync([], new Dictionary<string, string?>
            {
                ["urls"] = "http://127.0.0.1:0",
                ["DATA_DIR"] = dataDir,
                ["ANTHROPIC_API_KEY"] = "bench",
                ["ANTHROPIC_BASE_URL"] = model.BaseUrl.ToString().TrimEnd('/'),
                ["Logging:LogLevel:Default"] = "Warning",
                ["REDIS_URL"] = redisUrl,
            }, cancellationToken);
            await app.StartAsync(cancellationToken);
            return new RelayBenchServer(model, app, dataDir);
        }
        catch
        {
            if (app is not null) await app.DisposeAsync();
            await model.DisposeAsync();
            Directory.Delete(dataDir, recursive: true);
            throw;
        }
    }

    /// <summary>A ConversationRelay call to this server, signed as Twilio would sign it, past its setup message.</summary>
    public async Task<ConversationRelayCaller> CallAsync(CancellationToken cancellationToken)
    {
        var address = App.BoundAddress();
        var settings = App.Services.GetRequiredService<VoiceAgentSettings>();
        var signedUrl = settings.PublicBaseUrl.Replace("http", "ws", StringComparison.Ordinal) + VoiceAgentEndpointRouteBuilderExtensions.RelaySocketPath;
        var caller = await ConversationRelayCaller.ConnectAsync(
            new Uri($"ws://{address.Authority}{VoiceAgentEndpointRouteBuilderExtensions.RelaySocketPath}"), signedUrl, settings.TwilioAuthToken, cancellationToken);
        try
        {
            await caller.SendSetupAsync("CA" + Guid.NewGuid().ToString("N"), settings.TwilioAccountSid!, cancellationToken: cancellationToken);
            return caller;
        }
        catch
        {
            await caller.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync(CancellationToken.None);
        await App.DisposeAsync();
        await _model.DisposeAsync();
        Directory.Delete(_dataDir, recursive: true);
    }
}
