using VoiceAgent.Emulators.ChatScript;
using VoiceAgent.Emulators.ElevenLabs;
using VoiceAgent.Tests.TestSupport;
using VoiceAgent.Tests.TestSupport.Audio;

namespace VoiceAgent.Tests.EndToEnd;

/// <summary>Audio calls survive provider drops and false interruptions.</summary>
[Collection(VoiceAgent.Tests.EmulatorsTests.RealTimeCollection.Name)] // real-time audio: keep the cores free for the 20 ms clocks
public sealed class MediaStreamsResilienceTests
{
    [Fact]
    public async Task A_dropped_elevenlabs_socket_mid_reply_is_survived_and_the_next_turn_speaks()
    {
        await using var server = await AudioServer.StartAsync(tts: new ElevenLabsEmulatorBehavior { ApiKey = "el-test-key", DropConnectionAfterAudioMessages = 3 });
        server.Stt.EnqueueTranscript("Tell me something long.");
        server.Model.Enqueue(ChatReply.Text("This reply is long enough that the speech socket drops in the middle of it, and the call must carry on regardless."));
        await using var caller = await server.CallAsync();
        await caller.PlayAsync(await TestAudio.SpeechMuLaw8kAsync("Tell me something long.")).DefaultTimeout();
        await server.Model.Requests.WhenReceived(0).DefaultTimeout(TimeSpan.FromSeconds(20));
        await caller.WaitForAudioAsync(160 * 10).DefaultTimeout(TimeSpan.FromSeconds(20));

        server.Tts.Behavior = new ElevenLabsEmulatorBehavior { ApiKey = "el-test-key" };
        await caller.PlayAsync(TestAudio.SilenceMuLaw8k(4000)).DefaultTimeout();
        var before = caller.OutboundMedia.Bytes;
        server.Stt.EnqueueTranscript("Are you still there?");
        server.Model.Enqueue(ChatReply.Text("Yes, I am still here and happy to help you."));
        await caller.PlayAsync(await TestAudio.SpeechMuLaw8kAsync("Are you still there?")).DefaultTimeout();

        await server.Model.Requests.WhenReceived(1).DefaultTimeout(TimeSpan.FromSeconds(20));
        await caller.WaitForAudioAsync(before + 8000).DefaultTimeout(TimeSpan.FromSeconds(20));
        Assert.True(server.Tts.Sessions.Count >= 2);
    }

    [Fact]
    public async Task A_sound_that_produces_no_words_does_not_leave_the_call_in_silence()
    {
        await using var server = await AudioServer.StartAsync();
        server.Stt.EnqueueTranscript("Tell me about the clinic.");
        server.Model.Enqueue(ChatReply.Text("The clinic opened in nineteen ninety and has grown every year since, with six doctors and a small pharmacy on the ground floor."));
        await using var caller = await server.CallAsync();
        await caller.PlayAsync(await TestAudio.SpeechMuLaw8kAsync("Tell me about the clinic.")).DefaultTimeout();
        await caller.WaitForHeardAudioAsync(8000 * 2).DefaultTimeout(TimeSpan.FromSeconds(20));

        server.Stt.EnqueueTranscript(""); // a long sigh: voiced and long enough to stop the agent, but STT hears no words
        var cough = AudioEdit.Gain(await TestAudio.SpeechAsync("aaaaah", 8000, wordsPerMinute: 60), 8);
        var mulaw = new byte[cough.Length];
        VoiceAgent.Speech.Audio.MuLaw.Encode(cough, mulaw);
        await caller.PlayAsync(mulaw).DefaultTimeout();
        await caller.WaitForClearAsync().DefaultTimeout(TimeSpan.FromSeconds(20));

        var afterClear = caller.OutboundMedia.Bytes;
        await caller.WaitForAudioAsync(afterClear + 8000).DefaultTimeout(TimeSpan.FromSeconds(20)); // the agent carries on
        Assert.Equal(1, server.Model.Requests.Count); // resumed from what it had, no new model turn
    }
}
