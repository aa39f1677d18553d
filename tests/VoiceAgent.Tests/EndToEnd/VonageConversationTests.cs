using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using VoiceAgent.Emulators.ChatScript;
using VoiceAgent.Emulators.Vonage;
using VoiceAgent.Tests.TestSupport;
using VoiceAgent.Tests.TestSupport.Audio;

namespace VoiceAgent.Tests.EndToEnd;

/// <summary>The Vonage WebSocket leg runs the same conversation on the same pipeline and engine.</summary>
[Collection(VoiceAgent.Tests.EmulatorsTests.RealTimeCollection.Name)] // real-time audio: keep the cores free for the 20 ms clocks
public sealed class VonageConversationTests : IAsyncLifetime
{
    private AudioServer _server = null!;
    private readonly HttpClient _http = new();

    public async Task InitializeAsync() => _server = await AudioServer.StartAsync();

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    /// <summary>Plays Vonage's signed answer webhook and returns where to connect and the headers to echo.</summary>
    private async Task<(Uri Socket, Dictionary<string, JsonNode?> Headers)> AnswerAsync(string uuid)
    {
        var answer = await _server.VonageWebhooks(_http).AnswerAsync(uuid, from: "447700900123", to: "447700900000", CancellationToken.None).DefaultTimeout();
        Assert.Equal("audio/l16;rate=16000", answer.ContentType);
        Assert.Equal(new Uri("wss://voice.example.com/ws/vonage"), answer.SocketUri);
        return (new Uri($"ws://{_server.Address.Authority}/ws/vonage"), answer.Headers.ToDictionary(p => p.Key, p => p.Value));
    }

    [Fact]
    public async Task A_vonage_call_completes_the_same_conversation_in_16_khz_pcm()
    {
        _server.Stt.EnqueueTranscript("What are your opening hours?");
        _server.Model.Enqueue(ChatReply.Text("We are open from nine to five, Monday to Friday, all year."));
        var (socket, headers) = await AnswerAsync("aaaaaaaa-bbbb-cccc-dddd-0123456789ab");
        await using var caller = await VonageCaller.ConnectAsync(socket, new VonageCallerOptions { Headers = headers }, CancellationToken.None).DefaultTimeout();

        await caller.PlayAsync(await TestAudio.SpeechPcm16kAsync("What are your opening hours?")).DefaultTimeout();

        var request = await _server.Model.Requests.WhenReceived(0).DefaultTimeout(TimeSpan.FromSeconds(20));
        Assert.EndsWith("What are your opening hours?", request.Messages[^1].Text, StringComparison.Ordinal);
        Assert.Contains("+447700900123", request.Messages[0].Text, StringComparison.Ordinal);
        Assert.Equal("linear16", _server.Stt.Connections[0].Query["encoding"]);
        Assert.Equal("16000", _server.Stt.Connections[0].Query["sample_rate"]);
        Assert.Equal("en-GB", _server.Stt.Connections[0].Query["language"]); // +44 → the en-GB row
        await caller.WaitForAudioAsync(32_000 * 2).DefaultTimeout(TimeSpan.FromSeconds(20)); // two seconds of the reply arrived
        Assert.Empty(caller.InvalidFrames);
    }

    [Fact]
    public async Task A_vonage_leg_with_a_wrong_call_secret_is_closed_with_policy_violation()
    {
        var (socket, headers) = await AnswerAsync("aaaaaaaa-bbbb-cccc-dddd-000000000000");
        headers["callSecret"] = JsonValue.Create("forged");
        await using var caller = await VonageCaller.ConnectAsync(socket, new VonageCallerOptions { Headers = headers }, CancellationToken.None).DefaultTimeout();

        await caller.WaitForCloseAsync().DefaultTimeout();
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, caller.CloseStatus);
        Assert.Equal(0, _server.Stt.ConnectionsAccepted);
    }

    [Fact]
    public async Task Send_digits_on_a_vonage_call_plays_keypad_tones_in_16_khz_pcm()
    {
        _server.Stt.EnqueueTranscript("Press five for me.");
        _server.Model.Enqueue(ChatReply.ToolCall("send_digits", """{"digits":"5"}"""));
        _server.Model.Enqueue(ChatReply.Text("Done."));
        var (socket, headers) = await AnswerAsync("aaaaaaaa-bbbb-cccc-dddd-0123456789ad");
        await using var caller = await VonageCaller.ConnectAsync(socket, new VonageCallerOptions { Headers = headers }, CancellationToken.None).DefaultTimeout();

        await caller.PlayAsync(await TestAudio.SpeechPcm16kAsync("Press five for me.")).DefaultTimeout();

        var toneBytes = (VoiceAgent.Speech.Audio.DtmfTones.ToneMs + VoiceAgent.Speech.Audio.DtmfTones.GapMs) * 32;
        await caller.WaitForHeardAudioAsync(toneBytes + 6400).DefaultTimeout(TimeSpan.FromSeconds(30));
        var heard = caller.GetHeardAudio();
        var pcm = new short[heard.Length / 2];
        VoiceAgent.Speech.Audio.Pcm16.ToSamples(heard.AsSpan(0, pcm.Length * 2), pcm);
        var start = MediaStreamsToolTests.FirstSound(pcm, 16000);
        Assert.True(pcm.Length >= start + 1600, $"heard {pcm.Length} samples, tone from {start}");
        MediaStreamsToolTests.AssertKeypadPair(pcm.AsSpan(start, 1600), 16000, 770, 1336);
    }
}
