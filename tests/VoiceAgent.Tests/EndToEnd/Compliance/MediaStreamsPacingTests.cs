using VoiceAgent.Emulators.ChatScript;
using VoiceAgent.Tests.TestSupport;
using VoiceAgent.Tests.TestSupport.Audio;

namespace VoiceAgent.Tests.EndToEnd.Compliance;

/// <summary>
/// "Slow down" on the audio path, over real sockets (Media Streams caller, Deepgram, Anthropic and ElevenLabs
/// emulators): the model's <c>set_pacing</c> call changes the voice speed ElevenLabs is actually asked for, as the
/// emulator's record of each stream's opening message shows.
/// </summary>
[Collection(VoiceAgent.Tests.EmulatorsTests.RealTimeCollection.Name)] // real-time audio: keep the cores free for the 20 ms clocks
public sealed class MediaStreamsPacingTests
{
    [Fact]
    public async Task A_caller_asking_to_slow_down_hears_the_next_reply_voiced_at_a_lower_elevenlabs_speed()
    {
        await using var server = await AudioServer.StartAsync();
        server.Stt.EnqueueTranscript("Could you slow down a little, please?");
        server.Model.Enqueue(ChatReply.ToolCall("set_pacing", """{"pace":"slower"}"""));
        server.Model.Enqueue(ChatReply.Text("Of course. I will speak more slowly now."));
        await using var caller = await server.CallAsync();

        await caller.PlayAsync(await TestAudio.SpeechMuLaw8kAsync("Could you slow down a little, please?")).DefaultTimeout();

        var followUp = await server.Model.Requests.WhenReceived(1).DefaultTimeout(TimeSpan.FromSeconds(20));
        Assert.DoesNotContain("not performed", followUp.Messages.SelectMany(m => m.ToolResults).Single().Content, StringComparison.Ordinal);
        await VoiceAgent.Tests.Storage.RecordsTestSupport.WaitUntilAsync(
            () => server.Tts.Sessions.Any(s => s.SpokenText.Contains("speak more slowly", StringComparison.Ordinal)), "the reply to reach ElevenLabs");
        var slower = server.Tts.Sessions.Single(s => s.SpokenText.Contains("speak more slowly", StringComparison.Ordinal));
        Assert.Equal(0.85, slower.Begin?.Speed);
        // Every stream opened before the change was at the configured speed.
        Assert.All(server.Tts.Sessions.TakeWhile(s => !ReferenceEquals(s, slower)), s => Assert.Equal(1.0, s.Begin?.Speed));
    }
}
