using Microsoft.AspNetCore.Builder;
using VoiceAgent.Emulators.Anthropic;
using VoiceAgent.Emulators.Deepgram;
using VoiceAgent.Emulators.ElevenLabs;
using VoiceAgent.Emulators.Twilio.MediaStreams;
using VoiceAgent.Emulators.Vonage;
using VoiceAgent.Server;

namespace VoiceAgent.Tests.TestSupport;

/// <summary>
/// The real server with all three provider emulators under the test's control (model, Deepgram, ElevenLabs),
/// for audio-path calls over real sockets.
/// </summary>
public sealed class AudioServer : IAsyncDisposable
{
    public const string SignedMediaUrl = "wss://voice.example.com/ws/media";
    /// <summary>The Vonage account signature secret the server verifies webhooks with (the docs' fake one).</summary>
    public const string VonageSignatureSecret = "test-signature-secret-0123456789abcdef";
    private readonly string _dataDir;

    private AudioServer(WebApplication app, AnthropicEmulator model, DeepgramEmulator stt, ElevenLabsEmulator tts, string dataDir)
    {
        App = app;
        Model = model;
        Stt = stt;
        Tts = tts;
        _dataDir = dataDir;
        Address = app.BoundAddress();
    }

    public WebApplication App { get; }
    public AnthropicEmulator Model { get; }
    public DeepgramEmulator Stt { get; }
    public ElevenLabsEmulator Tts { get; }
    public Uri Address { get; }

    /// <param name="sttFinalizeAfterQuiet">The Deepgram emulator's <see cref="DeepgramEmulator.FinalizeAfterQuiet"/> (finals at a pause before the endpoint).</param>
    public static async Task<AudioServer> StartAsync(IDictionary<string, string?>? settings = null, ElevenLabsEmulatorBehavior? tts = null, TimeSpan? sttFinalizeAfterQuiet = null)
    {
        var model = new AnthropicEmulator(new() { ApiKey = "test-key", InterTokenDelay = TimeSpan.FromMilliseconds(2) });
        await model.StartAsync().DefaultTimeout();
        var stt = new DeepgramEmulator("dg-test-key") { FinalizeAfterQuiet = sttFinalizeAfterQuiet };
        await stt.StartAsync().DefaultTimeout();
        var speech = new ElevenLabsEmulator(tts ?? new ElevenLabsEmulatorBehavior { ApiKey = "el-test-key" });
        await speech.StartAsync().DefaultTimeout();
        var dataDir = Directory.CreateTempSubdirectory("voiceagent-audio-test-").FullName;
        var config = new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["PUBLIC_BASE_URL"] = RelayServer.PublicBaseUrl,
            ["TWILIO_AUTH_TOKEN"] = RelayServer.AuthToken,
            ["TWILIO_ACCOUNT_SID"] = RelayServer.AccountSid,
            ["DATA_DIR"] = dataDir,
            ["ANTHROPIC_API_KEY"] = "test-key",
            ["ANTHROPIC_BASE_URL"] = model.BaseUrl.ToString().TrimEnd('/'),
            ["DEEPGRAM_API_KEY"] = "dg-test-key",
            ["DEEPGRAM_BASE_URL"] = stt.WebSocketBaseUrl.ToString().TrimEnd('/'),
            ["ELEVENLABS_API_KEY"] = (tts ?? new ElevenLabsEmulatorBehavior { ApiKey = "el-test-key" }).ApiKey,
            ["ELEVENLABS_BASE_URL"] = speech.WebSocketBaseUrl.ToString().TrimEnd('/'),
            ["VONAGE_SIGNATURE_SECRET"] = VonageSignatureSecret,
            ["WELCOME_GREETING"] = "",
            ["MODEL_FIRST_TOKEN_TIMEOUT_MS"] = RelayServer.LongTimeoutMs, // see RelayServer: no timeout may stand in for a behaviour
            ["MODEL_STALL_TIMEOUT_MS"] = RelayServer.LongTimeoutMs,
            ["SILENCE_TIMEOUT_MS"] = "0",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:VoiceAgent.Speech"] = Environment.GetEnvironmentVariable("VA_TEST_VERBOSE") is null ? "Warning" : "Debug",
            ["Logging:LogLevel:VoiceAgent.Conversation"] = Environment.GetEnvironmentVariable("VA_TEST_VERBOSE") is null ? "Warning" : "Information",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) config[key] = value;
        var app = await VoiceAgentServer.BuildAsync([], config).DefaultTimeout();
        await app.StartAsync().DefaultTimeout();
        return new AudioServer(app, model, stt, speech, dataDir);
    }

    /// <summary>Vonage's webhooks to this server, signed with <see cref="VonageSignatureSecret"/>.</summary>
    public VonageWebhookClient VonageWebhooks(HttpClient http) => new(http, Address, VonageSignatureSecret);

    /// <summary>Opens a signed Media Streams call (the caller keeps the line alive with silence).</summary>
    public async Task<MediaStreamsCaller> CallAsync(MediaStreamsCallerOptions? options = null)
        => await MediaStreamsCaller.ConnectAsync(new Uri($"ws://{Address.Authority}/ws/media"), SignedMediaUrl, RelayServer.AuthToken,
            (options ?? new MediaStreamsCallerOptions()) with { AccountSid = RelayServer.AccountSid }, CancellationToken.None).DefaultTimeout();

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync().DefaultTimeout();
        await App.DisposeAsync();
        await Model.DisposeAsync();
        await Stt.DisposeAsync();
        await Tts.DisposeAsync();
        Directory.Delete(_dataDir, recursive: true);
    }
}
