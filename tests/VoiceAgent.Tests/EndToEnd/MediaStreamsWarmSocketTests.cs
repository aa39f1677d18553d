using VoiceAgent.Emulators.ChatScript;
using VoiceAgent.Tests.TestSupport;
using VoiceAgent.Tests.TestSupport.Audio;

namespace VoiceAgent.Tests.EndToEnd;

/// <summary>No connect on the caller's path: the speech sockets are open when the call is set up.</summary>
[Collection(VoiceAgent.Tests.EmulatorsTests.RealTimeCollection.Name)]
public sealed class MediaStreamsWarmSocketTests : IAsyncLifetime
{
    private AudioServer _server = null!;

    public async Task InitializeAsync() => _server = await AudioServer.StartAsync();
    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task The_speech_sockets_open_at_call_set_up_and_the_first_reply_is_synthesised_on_that_tts_socket()
    {
        _server.Stt.EnqueueTranscript("Hello there.");
        _server.Model.Enqueue(ChatReply.Text("Hi, how can I help?"));
        await using var caller = await _server.CallAsync();

        // The caller has not said a word (and there is no greeting): both sockets are already open.
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var warm = await _server.Tts.WaitForSessionAsync(bound.Token);
        await _server.Stt.WaitForAsync(stt => stt.ConnectionsAccepted == 1, bound.Token);
        Assert.Equal(0, _server.Model.Requests.Count);

        await caller.PlayAsync(await TestAudio.SpeechMuLaw8kAsync("Hello there")).DefaultTimeout();
        await caller.WaitForAudioAsync(8000).DefaultTimeout(TimeSpan.FromSeconds(20));

        Assert.Same(warm, Assert.Single(_server.Tts.Sessions));
        Assert.Contains("how can I help", warm.SpokenText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_greeting_is_synthesised_on_the_tts_socket_opened_at_call_set_up()
    {
        await using var server = await AudioServer.StartAsync(new Dictionary<string, string?> { ["WELCOME_GREETING"] = "Hello, thanks for calling." });
        await using var caller = await server.CallAsync();

        await caller.WaitForAudioAsync(8000).DefaultTimeout(TimeSpan.FromSeconds(20));

        var session = Assert.Single(server.Tts.Sessions);
        Assert.Contains("thanks for calling", session.SpokenText, StringComparison.Ordinal);
    }
}
