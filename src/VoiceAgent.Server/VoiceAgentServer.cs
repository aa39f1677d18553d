using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using VoiceAgent.Emulators.Anthropic;
using VoiceAgent.Emulators.Deepgram;
using VoiceAgent.Emulators.ElevenLabs;
using VoiceAgent.Hosting;

namespace VoiceAgent.Server;

/// <summary>
/// Composes the server: reads and validates settings, brings up local emulators for every provider without a
/// key in the full offline mode (no key at all) or with USE_EMULATORS=true, keeps signatures on with development credentials when no Twilio token is set, and maps
/// the endpoints. Used by Program, the tests and the bench, so all three run the same server.
/// </summary>
public static partial class VoiceAgentServer
{
    public const string DefaultUrl = "http://127.0.0.1:8080";
    private const int CarrierSocketSendBufferBytes = 64 * 1024;

    /// <summary>Builds the app. <paramref name="overrides"/> win over environment and appsettings (tests use them).</summary>
    public static async Task<WebApplication> BuildAsync(string[] args, IDictionary<string, string?>? overrides = null, CancellationToken cancellationToken = default)
        => await BuildAsync(args, overrides, configureServices: null, cancellationToken);

    /// <summary>Builds the app; <paramref name="configureServices"/> adds the application's own services (e.g. <c>AddVoiceAgentTool</c>).</summary>
    public static async Task<WebApplication> BuildAsync(string[] args, IDictionary<string, string?>? overrides, Action<IServiceCollection>? configureServices, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        if (overrides is not null) builder.Configuration.AddInMemoryCollection(overrides);
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey]))
            builder.WebHost.UseUrls(DefaultUrl);
        LogFormat.Apply(builder.Logging, builder.Configuration);

        var startup = new StartupNotes();
        var settings = VoiceAgentSettings.From(builder.Configuration);
        if (settings.SystemPromptFile is null)
            settings = settings with { SystemPromptFile = Path.Combine(AppContext.BaseDirectory, "Prompts", "agent.md") };
        // Every setting is parsed and checked once, here, before anything starts: all mistakes listed together.
        if (settings.Validate() is { Count: > 0 } errors) throw new InvalidSettingsException(errors);

        // Emulators only in the full offline mode (no provider key at all) or when asked for with USE_EMULATORS:
        // a deployment with any real key never talks to an emulator, and a transport missing a key refuses calls.
        var emulators = new List<IAsyncDisposable>();
        startup.Offline = !settings.HasAnyProviderKey;
        if (startup.Offline || settings.UseEmulators)
            settings = await StartEmulatorsAsync(settings, emulators, startup, cancellationToken);

        var development = builder.Environment.IsDevelopment();
        if (settings.DevBypassSignature && !development)
        {
            startup.BypassIgnored = true;
            settings = settings with { DevBypassSignature = false };
        }
        if (settings.TwilioAuthToken is null && !settings.DevBypassSignature)
        {
            var (sid, token) = DevelopmentCredentials.LoadOrCreate(settings.DataDir);
            settings = settings with { TwilioAuthToken = token, TwilioAccountSid = settings.TwilioAccountSid ?? sid };
            startup.DevCredentialsDir = settings.DataDir;
        }
        var twilioRest = await OfflineTwilioRest.StartAsync(settings, startup, emulators, cancellationToken);
        if (twilioRest is not null) settings = settings with { TwilioApiBaseUrl = twilioRest.BaseUrl.ToString().TrimEnd('/') };

        if (settings.VonageSignatureSecret is null && (startup.Offline || settings.UseEmulators))
        {
            settings = settings with { VonageSignatureSecret = DevelopmentCredentials.LoadOrCreateVonageSignatureSecret(settings.DataDir) };
            startup.DevVonageSecretDir = settings.DataDir;
        }

        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = settings.MaxRequestBodyBytes);
        // A fixed 64 KiB kernel send buffer on the listener (accepted sockets start from it) instead of autotuning up
        // to net.ipv4.tcp_wmem's 4 MB: measured with `bench --scenario stalled`, it took the server's peak RSS under
        // 30 non-reading callers from ~660 MB to ~220 MB. A phone call needs 8-32 KB/s, far below what 64 KiB carries.
        builder.WebHost.UseSockets(sockets => sockets.CreateBoundListenSocket = endpoint =>
        {
            var listener = Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets.SocketTransportOptions.CreateDefaultBoundListenSocket(endpoint);
            listener.SendBufferSize = CarrierSocketSendBufferBytes;
            return listener;
        });
        builder.Services.Configure<FormOptions>(form =>
        {
            form.BufferBody = false;
            form.ValueLengthLimit = (int)Math.Min(settings.MaxRequestBodyBytes, int.MaxValue);
            form.MultipartBodyLengthLimit = settings.MaxRequestBodyBytes;
        });
        builder.Services.AddVoiceAgent(settings);
        configureServices?.Invoke(builder.Services);
        var offlineEmulators = new OfflineEmulators(emulators);
        builder.Services.AddSingleton(offlineEmulators);
        builder.Services.AddHostedService(_ => offlineEmulators);
        var app = builder.Build();
        OfflineTwilioRest.LogCalleeTranscripts(twilioRest, app.Services.GetRequiredService<ILoggerFactory>());
        app.UseRequestBodyCap(settings.MaxRequestBodyBytes);
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = settings.WebSocketKeepAliveInterval, KeepAliveTimeout = settings.WebSocketKeepAliveTimeout });
        app.MapVoiceAgent();
        startup.Report(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("VoiceAgent.Startup"), settings);
        return app;
    }

    /// <summary>Starts a local emulator for every provider without a key and points the settings at it.</summary>
    private static async Task<VoiceAgentSettings> StartEmulatorsAsync(VoiceAgentSettings settings, List<IAsyncDisposable> emulators, StartupNotes startup, CancellationToken cancellationToken)
    {
        if (settings.AnthropicApiKey is null && settings.OpenAIApiKey is null)
        {
            var anthropic = new AnthropicEmulator(new() { ApiKey = "offline-emulator" });
            await anthropic.StartAsync(cancellationToken: cancellationToken);
            emulators.Add(anthropic);
            settings = settings with { LlmProvider = "anthropic", AnthropicApiKey = "offline-emulator", AnthropicBaseUrl = anthropic.BaseUrl.ToString().TrimEnd('/') };
            startup.Emulated.Add($"Anthropic Messages at {anthropic.BaseUrl} (replies are EMULATED, not Claude)");
        }
        if (settings.DeepgramApiKey is null)
        {
            var deepgram = new DeepgramEmulator();
            await deepgram.StartAsync(cancellationToken: cancellationToken);
            emulators.Add(deepgram);
            settings = settings with { DeepgramApiKey = deepgram.ApiKey, DeepgramBaseUrl = deepgram.WebSocketBaseUrl.ToString().TrimEnd('/') };
            startup.Emulated.Add($"Deepgram live STT at {deepgram.WebSocketBaseUrl} (transcripts are EMULATED)");
        }
        if (settings.ElevenLabsApiKey is null)
        {
            var elevenLabs = new ElevenLabsEmulator(new ElevenLabsEmulatorBehavior { ApiKey = "offline-emulator" });
            await elevenLabs.StartAsync(cancellationToken: cancellationToken);
            emulators.Add(elevenLabs);
            settings = settings with { ElevenLabsApiKey = "offline-emulator", ElevenLabsBaseUrl = elevenLabs.WebSocketBaseUrl.ToString().TrimEnd('/') };
            startup.Emulated.Add($"ElevenLabs stream-input TTS at {elevenLabs.WebSocketBaseUrl} (voice is EMULATED)");
        }
        return settings;
    }

    /// <summary>The address Kestrel actually bound (useful with port 0).</summary>
    public static Uri BoundAddress(this WebApplication app)
    {
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("localhost", "127.0.0.1", StringComparison.Ordinal));
    }
}
