using VoiceAgent.Emulators.Twilio;
using VoiceAgent.Emulators.Twilio.MediaStreams;
using VoiceAgent.Emulators.Vonage;
using VoiceAgent.Hosting;
using VoiceAgent.Server;
using VoiceAgent.Tests.TestSupport;
using VoiceAgent.Tests.TestSupport.Audio;

namespace VoiceAgent.Tests.EndToEnd;

/// <summary>With no keys at all, the one run command serves both paths on its built-in emulators, signatures on.</summary>
[Collection(VoiceAgent.Tests.EmulatorsTests.RealTimeCollection.Name)]
public sealed class OfflineModeTests : IAsyncLifetime
{
    private Microsoft.AspNetCore.Builder.WebApplication _app = null!;
    private string _dataDir = null!;
    private Uri _address = null!;

    public async Task InitializeAsync()
    {
        _dataDir = Directory.CreateTempSubdirectory("voiceagent-offline-").FullName;
        _app = await VoiceAgentServer.BuildAsync([], new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["DATA_DIR"] = _dataDir,
            ["Logging:LogLevel:Default"] = "Warning",
        }).DefaultTimeout();
        await _app.StartAsync().DefaultTimeout();
        _address = _app.BoundAddress();
    }

    public async Task DisposeAsync()
    {
        await _app.StopAsync().DefaultTimeout();
        await _app.DisposeAsync();
        Directory.Delete(_dataDir, recursive: true);
    }

    [Fact]
    public async Task Offline_mode_signs_with_development_credentials_and_answers_a_relay_call()
    {
        var credentials = DevelopmentCredentials.TryLoad(_dataDir);
        Assert.NotNull(credentials);
        await using var caller = await ConversationRelayCaller.ConnectAsync(new Uri($"ws://{_address.Authority}/ws/relay"), "ws://127.0.0.1:8080/ws/relay", credentials.Value.AuthToken, CancellationToken.None).DefaultTimeout();
        await caller.SendSetupAsync(RelayServer.NewCallSid(), credentials.Value.AccountSid).DefaultTimeout();

        Assert.Contains("Emulated reply", await caller.AskAsync("Hello?"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Offline_mode_serves_a_media_streams_call_on_the_emulators()
    {
        var credentials = DevelopmentCredentials.TryLoad(_dataDir)!.Value;
        await using var caller = await MediaStreamsCaller.ConnectAsync(new Uri($"ws://{_address.Authority}/ws/media"), "ws://127.0.0.1:8080/ws/media",
            credentials.AuthToken, new MediaStreamsCallerOptions { AccountSid = credentials.AccountSid }, CancellationToken.None).DefaultTimeout();

        await caller.WaitForAudioAsync(8000).DefaultTimeout(TimeSpan.FromSeconds(20)); // the spoken welcome greeting
        var before = caller.OutboundMedia.Bytes;
        await caller.PlayAsync(await TestAudio.SpeechMuLaw8kAsync("What are your opening hours?")).DefaultTimeout();
        await caller.WaitForAudioAsync(before + 8000).DefaultTimeout(TimeSpan.FromSeconds(25)); // the emulated reply
    }

    [Fact]
    public async Task Offline_mode_verifies_vonage_webhooks_with_a_development_secret_the_emulated_vonage_signs_with()
    {
        var secret = DevelopmentCredentials.TryLoadVonageSignatureSecret(_dataDir);
        Assert.NotNull(secret);
        using var http = new HttpClient();
        var answer = await new VonageWebhookClient(http, _address, secret).AnswerAsync("aaaaaaaa-bbbb-cccc-dddd-0123456789ab", "447700900123", "447700900000", CancellationToken.None).DefaultTimeout();
        await using var caller = await VonageCaller.ConnectAsync(new Uri($"ws://{_address.Authority}/ws/vonage"), answer.ToCallerOptions(), CancellationToken.None).DefaultTimeout();

        await caller.WaitForAudioAsync(16000).DefaultTimeout(TimeSpan.FromSeconds(20)); // the spoken welcome greeting
        using var unsigned = await http.GetAsync(new Uri(_address, "/vonage/answer?uuid=x")).DefaultTimeout();
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, unsigned.StatusCode);
    }
}
