using Microsoft.Extensions.DependencyInjection;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using VoiceAgent.Emulators.Anthropic;
using VoiceAgent.Emulators.Twilio;
using VoiceAgent.Server;

namespace VoiceAgent.Tests.TestSupport;

/// <summary>
/// The real server on 127.0.0.1:0 against the Anthropic emulator, with a known Twilio account. The public base
/// URL is a fictitious https origin, so a signature only validates if the server rebuilds the URL Twilio signed
/// from configuration rather than from the Host header.
/// </summary>
public sealed class RelayServer : IAsyncDisposable
{
    public const string AuthToken = "test-auth-token-0123456789";
    public const string AccountSid = "AC0123456789abcdef0123456789abcdef";
    public const string PublicBaseUrl = "https://voice.example.com";
    public const string SignedSocketUrl = "wss://voice.example.com/ws/relay";
    /// <summary>Ten minutes: longer than every test's hang guard.</summary>
    public const string LongTimeoutMs = "600000";

    private readonly string _dataDir;

    private RelayServer(WebApplication app, AnthropicEmulator model, string dataDir)
    {
        App = app;
        Model = model;
        _dataDir = dataDir;
        Address = app.BoundAddress();
    }

    public WebApplication App { get; }
    public AnthropicEmulator Model { get; }
    public Uri Address { get; }
    public Uri SocketUrl => new($"ws://{Address.Authority}/ws/relay");

    public static async Task<RelayServer> StartAsync(IDictionary<string, string?>? settings = null, ChatEmulatorOptionsOverride? model = null, Action<IServiceCollection>? services = null)
    {
        var emulator = new AnthropicEmulator(new() { ApiKey = "test-key", InterTokenDelay = model?.InterTokenDelay ?? TimeSpan.FromMilliseconds(1) });
        await emulator.StartAsync().DefaultTimeout();
        var dataDir = Directory.CreateTempSubdirectory("voiceagent-test-").FullName;
        var config = new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["PUBLIC_BASE_URL"] = PublicBaseUrl,
            ["TWILIO_AUTH_TOKEN"] = AuthToken,
            ["TWILIO_ACCOUNT_SID"] = AccountSid,
            ["DATA_DIR"] = dataDir,
            ["ANTHROPIC_API_KEY"] = "test-key",
            // HTTP/2 in clear text (MODEL_HTTP_VERSION=2) needs prior knowledge: the emulator serves it on a port of its own.
            ["ANTHROPIC_BASE_URL"] = (settings?.TryGetValue("MODEL_HTTP_VERSION", out var version) == true && version == "2" ? emulator.Http2BaseUrl! : emulator.BaseUrl).ToString().TrimEnd('/'),
            // Far longer than any test's hang guard: a timeout can never stand in for the behaviour under test
            // (e.g. a barge-in abort). Tests of the timeouts themselves pass short ones (RelayProviderFaultTests).
            ["MODEL_FIRST_TOKEN_TIMEOUT_MS"] = LongTimeoutMs,
            ["MODEL_STALL_TIMEOUT_MS"] = LongTimeoutMs,
            // No silence reprompts in tests that do not test them (a slow machine must not add frames).
            ["SILENCE_TIMEOUT_MS"] = "0",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) config[key] = value;
        var app = await VoiceAgentServer.BuildAsync([], config, services).DefaultTimeout();
        await app.StartAsync().DefaultTimeout();
        return new RelayServer(app, emulator, dataDir);
    }

    /// <summary>Opens a signed ConversationRelay call and sends <c>setup</c>.</summary>
    public async Task<ConversationRelayCaller> CallAsync(IReadOnlyDictionary<string, string>? parameters = null, string accountSid = AccountSid)
    {
        var caller = await ConversationRelayCaller.ConnectAsync(SocketUrl, SignedSocketUrl, AuthToken, CancellationToken.None).DefaultTimeout();
        await caller.SendSetupAsync(NewCallSid(), accountSid, customParameters: parameters).DefaultTimeout();
        return caller;
    }

    /// <summary>A whole call as Twilio places it (webhook, TwiML, socket, action callback), every URL answered by this server.</summary>
    public Task<ConversationRelayCall> DialAsync(string from = "+18005550100")
        => ConversationRelayCall.DialAsync(new ConversationRelayCallOptions
        {
            WebhookUrl = new Uri(PublicBaseUrl + "/twiml/relay"),
            AuthToken = AuthToken,
            AccountSid = AccountSid,
            From = from,
            Route = uri => PublicRoute.To(uri, Address),
        }, Http, CancellationToken.None).DefaultTimeout();

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(15) };

    public static string NewCallSid() => "CA" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await App.StopAsync().DefaultTimeout(TimeSpan.FromSeconds(60));
        await App.DisposeAsync();
        await Model.DisposeAsync();
        Directory.Delete(_dataDir, recursive: true);
    }
}

/// <summary>Per-test emulator timing.</summary>
public sealed record ChatEmulatorOptionsOverride(TimeSpan InterTokenDelay);
