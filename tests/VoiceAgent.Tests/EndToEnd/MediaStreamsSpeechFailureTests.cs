using VoiceAgent.Conversation;
using VoiceAgent.Emulators.ChatScript;
using VoiceAgent.Tests.TestSupport;
using VoiceAgent.Tests.TestSupport.Audio;

namespace VoiceAgent.Tests.EndToEnd;

/// <summary>
/// When speech recognition or synthesis fails for good, the caller hears an apology through a second voice path (a
/// last, bounded synthesis attempt) and the call is handed off; if no voice is left, the call still ends cleanly.
/// Never a call that stays open deaf or mute.
/// </summary>
[Collection(VoiceAgent.Tests.EmulatorsTests.RealTimeCollection.Name)] // real-time audio: keep the cores free for the 20 ms clocks
public sealed class MediaStreamsSpeechFailureTests
{
    private static readonly string Apology = new AgentOptions { SystemPrompt = "x" }.SpeechFailureLine;

    [Fact]
    public async Task A_tts_socket_that_fails_to_open_is_tried_once_then_the_caller_hears_the_apology_and_the_call_is_handed_off()
    {
        await using var server = await AudioServer.StartAsync();
        server.Stt.EnqueueTranscript("What are your opening hours?");
        server.Model.Enqueue(ChatReply.Text("We are open ", "from nine ", "to five, ", "Monday ", "to ", "Friday."));
        server.Tts.RejectNextUpgrades(503, count: 1); // the reply's socket fails; the apology's opens
        await using var caller = await server.CallAsync();

        await caller.PlayAsync(await TestAudio.SpeechMuLaw8kAsync("What are your opening hours?")).DefaultTimeout();

        await caller.WaitForAudioAsync(8000).DefaultTimeout(TimeSpan.FromSeconds(30)); // a second of the apology
        await caller.WaitForCloseAsync().DefaultTimeout(TimeSpan.FromSeconds(30));
        Assert.True(caller.ClosedByServer);
        var sessions = server.Tts.Sessions;
        Assert.Equal(2, sessions.Count); // one failed open for the reply, not one per token
        Assert.Equal(503, sessions[0].RejectedWithStatus);
        Assert.Equal(Apology, sessions[1].SpokenText.Trim());
    }

    [Fact]
    public async Task When_no_voice_is_left_the_call_is_ended_cleanly_instead_of_left_silent()
    {
        await using var server = await AudioServer.StartAsync();
        server.Stt.EnqueueTranscript("What are your opening hours?");
        server.Model.Enqueue(ChatReply.Text("We are open ", "from nine ", "to five."));
        server.Tts.RejectNextUpgrades(503, count: 10); // the reply's socket and the apology's both fail
        await using var caller = await server.CallAsync();

        // The server may end the call before the caller has finished speaking; the playing is cut with it.
        await caller.PlayAsync(await TestAudio.SpeechMuLaw8kAsync("What are your opening hours?")).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);

        await caller.WaitForCloseAsync().DefaultTimeout(TimeSpan.FromSeconds(30));
        Assert.True(caller.ClosedByServer);
        Assert.Equal(2, server.Tts.Sessions.Count); // the reply's open and one bounded attempt for the apology
    }

    [Fact]
    public async Task A_fatal_stt_error_makes_the_agent_apologise_and_hand_the_call_off_instead_of_staying_deaf()
    {
        await using var server = await AudioServer.StartAsync();
        await using var caller = await server.CallAsync();
        await server.Stt.WaitForAsync(s => s.ActiveConnections == 1, CancellationToken.None).DefaultTimeout(TimeSpan.FromSeconds(20));

        server.Stt.RejectNextUpgrade(401, count: 10); // the key stops working: reconnecting cannot help
        server.Stt.DropActiveConnections();

        await caller.WaitForAudioAsync(8000).DefaultTimeout(TimeSpan.FromSeconds(30));
        await caller.WaitForCloseAsync().DefaultTimeout(TimeSpan.FromSeconds(30));
        Assert.True(caller.ClosedByServer);
        Assert.Equal(Apology, server.Tts.Sessions[^1].SpokenText.Trim());
        Assert.Equal(0, server.Model.Requests.Count); // no turn was invented from a deaf line
    }

    [Fact]
    public async Task Speech_recognition_that_cannot_connect_at_call_start_makes_the_agent_apologise_and_hand_off_instead_of_dropping_the_call()
    {
        await using var server = await AudioServer.StartAsync();
        server.Stt.RejectNextUpgrade(401, count: 10); // a revoked key: no session can be opened for this call

        await using var caller = await server.CallAsync();

        await caller.WaitForAudioAsync(8000).DefaultTimeout(TimeSpan.FromSeconds(30));
        await caller.WaitForCloseAsync().DefaultTimeout(TimeSpan.FromSeconds(30));
        Assert.True(caller.ClosedByServer);
        Assert.Equal(Apology, server.Tts.Sessions[^1].SpokenText.Trim());
        Assert.Equal(0, server.Model.Requests.Count);
    }
}
