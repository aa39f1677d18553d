using VoiceAgent.Conversation;
using VoiceAgent.Emulators.ChatScript;
using VoiceAgent.Emulators.Vonage;
using VoiceAgent.Tests.TestSupport;
using VoiceAgent.Tests.TestSupport.Audio;

namespace VoiceAgent.Tests.EndToEnd;

/// <summary>
/// The same silent-failure paths on a Vonage leg (16 kHz PCM): synthesis that fails to open and recognition that fails
/// for good both end in the spoken apology and a hand-off, never a call left silent or deaf.
/// </summary>
[Collection(VoiceAgent.Tests.EmulatorsTests.RealTimeCollection.Name)] // real-time audio: keep the cores free for the 20 ms clocks
public sealed class VonageSpeechFailureTests : IAsyncLifetime
{
    private static readonly string Apology = new AgentOptions { SystemPrompt = "x" }.SpeechFailureLine;
    private AudioServer _server = null!;
    private readonly HttpClient _http = new();

    public async Task InitializeAsync() => _server = await AudioServer.StartAsync();

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    private async Task<VonageCaller> CallAsync(string uuid)
    {
        var answer = await _server.VonageWebhooks(_http).AnswerAsync(uuid, from: "447700900123", to: "447700900000", CancellationToken.None).DefaultTimeout();
        var headers = answer.Headers.ToDictionary(p => p.Key, p => p.Value);
        return await VonageCaller.ConnectAsync(new Uri($"ws://{_server.Address.Authority}/ws/vonage"), new VonageCallerOptions { Headers = headers }, CancellationToken.None).DefaultTimeout();
    }

    [Fact]
    public async Task A_tts_socket_that_fails_to_open_is_tried_once_then_the_vonage_caller_hears_the_apology_and_the_call_is_handed_off()
    {
        _server.Stt.EnqueueTranscript("What are your opening hours?");
        _server.Model.Enqueue(ChatReply.Text("We are open ", "from nine ", "to five, ", "Monday ", "to ", "Friday."));
        _server.Tts.RejectNextUpgrades(503, count: 1); // the reply's socket fails; the apology's opens
        await using var caller = await CallAsync("aaaaaaaa-bbbb-cccc-dddd-0000000000f1");

        await caller.PlayAsync(await TestAudio.SpeechPcm16kAsync("What are your opening hours?")).DefaultTimeout();

        await caller.WaitForAudioAsync(32_000).DefaultTimeout(TimeSpan.FromSeconds(30)); // a second of the apology
        await caller.WaitForCloseAsync().DefaultTimeout(TimeSpan.FromSeconds(30));
        Assert.True(caller.ClosedByServer);
        var sessions = _server.Tts.Sessions;
        Assert.Equal(2, sessions.Count); // one failed open for the reply, not one per token
        Assert.Equal(503, sessions[0].RejectedWithStatus);
        Assert.Equal(Apology, sessions[1].SpokenText.Trim());
    }

    [Fact]
    public async Task Speech_recognition_that_cannot_connect_makes_the_agent_apologise_to_the_vonage_caller_and_hand_off_instead_of_staying_deaf()
    {
        _server.Stt.RejectNextUpgrade(401, count: 10); // a revoked key: no session can be opened for this call

        await using var caller = await CallAsync("aaaaaaaa-bbbb-cccc-dddd-0000000000f2");

        await caller.WaitForAudioAsync(32_000).DefaultTimeout(TimeSpan.FromSeconds(30));
        await caller.WaitForCloseAsync().DefaultTimeout(TimeSpan.FromSeconds(30));
        Assert.True(caller.ClosedByServer);
        Assert.Equal(Apology, _server.Tts.Sessions[^1].SpokenText.Trim());
        Assert.Equal(0, _server.Model.Requests.Count); // no turn was invented from a deaf line
    }

    [Fact]
    public async Task A_stt_socket_that_dies_mid_call_and_cannot_reconnect_makes_the_agent_apologise_to_the_vonage_caller_and_hand_off()
    {
        await using var caller = await CallAsync("aaaaaaaa-bbbb-cccc-dddd-0000000000f3");
        await _server.Stt.WaitForAsync(s => s.ActiveConnections == 1, CancellationToken.None).DefaultTimeout(TimeSpan.FromSeconds(20));

        _server.Stt.RejectNextUpgrade(401, count: 10); // the key stops working: reconnecting cannot help
        _server.Stt.DropActiveConnections();

        await caller.WaitForAudioAsync(32_000).DefaultTimeout(TimeSpan.FromSeconds(30)); // a second of the apology
        await caller.WaitForCloseAsync().DefaultTimeout(TimeSpan.FromSeconds(30));
        Assert.True(caller.ClosedByServer);
        Assert.Equal(Apology, _server.Tts.Sessions[^1].SpokenText.Trim());
        Assert.Equal(0, _server.Model.Requests.Count); // no turn was invented from a deaf line
    }
}
