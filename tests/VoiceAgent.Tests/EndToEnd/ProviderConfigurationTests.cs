using System.Net;
using System.Net.WebSockets;
using System.Xml.Linq;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VoiceAgent.Emulators.Anthropic;
using VoiceAgent.Emulators.ChatScript;
using VoiceAgent.Emulators.Twilio;
using VoiceAgent.Emulators.Twilio.MediaStreams;
using VoiceAgent.Hosting;
using VoiceAgent.Server;
using VoiceAgent.Tests.Telephony.Twilio.Security;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.EndToEnd;

/// <summary>
/// A deployment with any real provider key never talks to an emulator: a transport whose providers are not
/// configured refuses its calls with a clear log line and a clear answer to the carrier.
/// </summary>
public sealed class ProviderConfigurationTests : IAsyncLifetime
{
    private AnthropicEmulator _model = null!; // stands in for the real Claude API the key points at
    private string _dataDir = null!;
    private readonly HttpClient _http = new();

    public async Task InitializeAsync()
    {
        _model = new AnthropicEmulator(new() { ApiKey = "real-looking-key" });
        await _model.StartAsync().DefaultTimeout();
        _dataDir = Directory.CreateTempSubdirectory("voiceagent-config-").FullName;
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _model.DisposeAsync();
        Directory.Delete(_dataDir, recursive: true);
    }

    /// <summary>The server with only a model key (and <paramref name="extra"/>), logs captured from the first call on.</summary>
    private async Task<(WebApplication App, CapturedLogs Logs)> StartAsync(Dictionary<string, string?>? extra = null)
    {
        var config = new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["PUBLIC_BASE_URL"] = RelayServer.PublicBaseUrl,
            ["TWILIO_AUTH_TOKEN"] = RelayServer.AuthToken,
            ["TWILIO_ACCOUNT_SID"] = RelayServer.AccountSid,
            ["DATA_DIR"] = _dataDir,
            ["ANTHROPIC_API_KEY"] = "real-looking-key",
            ["ANTHROPIC_BASE_URL"] = _model.BaseUrl.ToString().TrimEnd('/'),
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in extra ?? []) config[key] = value;
        var app = await VoiceAgentServer.BuildAsync([], config).DefaultTimeout();
        var logs = new CapturedLogs();
        app.Services.GetRequiredService<ILoggerFactory>().AddProvider(logs);
        await app.StartAsync().DefaultTimeout();
        return (app, logs);
    }

    private static async Task StopAsync(WebApplication app)
    {
        await app.StopAsync().DefaultTimeout();
        await app.DisposeAsync();
    }

    [Fact]
    public async Task With_only_a_model_key_no_emulator_is_started()
    {
        var (app, _) = await StartAsync();
        try
        {
            Assert.Equal(0, app.Services.GetRequiredService<OfflineEmulators>().Count);
            var settings = app.Services.GetRequiredService<VoiceAgentSettings>();
            Assert.Null(settings.DeepgramApiKey);
            Assert.Null(settings.ElevenLabsApiKey);
            Assert.Equal("wss://api.deepgram.com", settings.DeepgramBaseUrl);
        }
        finally { await StopAsync(app); }
    }

    [Fact]
    public async Task With_only_a_model_key_a_media_streams_call_is_refused_with_policy_violation_and_a_clear_log_line()
    {
        var (app, logs) = await StartAsync();
        try
        {
            await using var caller = await MediaStreamsCaller.ConnectAsync(new Uri($"ws://{app.BoundAddress().Authority}/ws/media"), AudioServer.SignedMediaUrl,
                RelayServer.AuthToken, new MediaStreamsCallerOptions { AccountSid = RelayServer.AccountSid }, CancellationToken.None).DefaultTimeout();
            await caller.WaitForCloseAsync().DefaultTimeout();

            Assert.Equal(WebSocketCloseStatus.PolicyViolation, caller.CloseStatus);
            Assert.Equal(0, caller.OutboundMedia.Bytes);
            var refusal = Assert.Single(logs.Entries, e => e.Id.Id == 6100);
            Assert.Contains("Media Streams", refusal.Message, StringComparison.Ordinal);
            Assert.Contains("DEEPGRAM_API_KEY", refusal.Message, StringComparison.Ordinal);
            Assert.Contains("ELEVENLABS_API_KEY", refusal.Message, StringComparison.Ordinal);
        }
        finally { await StopAsync(app); }
    }

    [Fact]
    public async Task With_only_a_model_key_the_stream_webhook_says_sorry_and_hangs_up()
    {
        var (app, logs) = await StartAsync();
        try
        {
            var address = app.BoundAddress();
            using var request = new TwilioRequestSigner(RelayServer.AuthToken).CreateFormPost(new Uri(address, "/twiml/stream"), RelayServer.PublicBaseUrl + "/twiml/stream",
                [new("AccountSid", RelayServer.AccountSid), new("CallSid", RelayServer.NewCallSid()), new("From", "+15555550100"), new("To", "+15555550199")]);
            using var response = await _http.SendAsync(request).DefaultTimeout();

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var twiml = XDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal(["Say", "Hangup"], twiml.Root!.Elements().Select(e => e.Name.LocalName));
            Assert.Empty(twiml.Descendants("Stream"));
            Assert.Contains(logs.Entries, e => e.Id.Id == 6100 && e.Message.Contains("DEEPGRAM_API_KEY", StringComparison.Ordinal));
        }
        finally { await StopAsync(app); }
    }

    [Fact]
    public async Task With_only_a_model_key_conversation_relay_still_works()
    {
        _model.Enqueue(ChatReply.Text("Hello from the real model."));
        var (app, logs) = await StartAsync();
        try
        {
            await using var caller = await ConversationRelayCaller.ConnectAsync(new Uri($"ws://{app.BoundAddress().Authority}/ws/relay"), RelayServer.SignedSocketUrl,
                RelayServer.AuthToken, CancellationToken.None).DefaultTimeout();
            await caller.SendSetupAsync(RelayServer.NewCallSid(), RelayServer.AccountSid).DefaultTimeout();

            Assert.Equal("Hello from the real model.", await caller.AskAsync("Hi"));
            Assert.DoesNotContain(logs.Entries, e => e.Id.Id == 6100);
        }
        finally { await StopAsync(app); }
    }

    [Fact]
    public async Task With_only_a_model_key_a_vonage_call_is_answered_with_a_spoken_refusal()
    {
        var (app, logs) = await StartAsync(new() { ["VONAGE_SIGNATURE_SECRET"] = AudioServer.VonageSignatureSecret });
        try
        {
            var webhooks = new VoiceAgent.Emulators.Vonage.VonageWebhookClient(_http, app.BoundAddress(), AudioServer.VonageSignatureSecret);
            using var response = await webhooks.SendAnswerAsync("call-1", "447700900123", "447700900000", CancellationToken.None).DefaultTimeout();

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var ncco = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsArray();
            Assert.Equal("talk", Assert.Single(ncco)!["action"]!.GetValue<string>());
            Assert.Contains(logs.Entries, e => e.Id.Id == 6100 && e.Message.Contains("Vonage", StringComparison.Ordinal));
        }
        finally { await StopAsync(app); }
    }

    [Fact]
    public async Task Use_emulators_fills_in_only_the_missing_providers_when_asked_for()
    {
        var (app, _) = await StartAsync(new() { ["USE_EMULATORS"] = "true" });
        try
        {
            Assert.Equal(2, app.Services.GetRequiredService<OfflineEmulators>().Count); // Deepgram and ElevenLabs; the model key is used as given
            var settings = app.Services.GetRequiredService<VoiceAgentSettings>();
            Assert.Equal(_model.BaseUrl.ToString().TrimEnd('/'), settings.AnthropicBaseUrl);
            Assert.StartsWith("ws://127.0.0.1:", settings.DeepgramBaseUrl, StringComparison.Ordinal);
            Assert.True(app.Services.GetRequiredService<TransportAvailability>().Audio);
        }
        finally { await StopAsync(app); }
    }
}
