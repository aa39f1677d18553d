using VoiceAgent.Emulators.Audio;
using VoiceAgent.Emulators.ChatScript;
using VoiceAgent.Emulators.Twilio.MediaStreams;
using VoiceAgent.Tests.TestSupport;
using VoiceAgent.Tests.TestSupport.Audio;

namespace VoiceAgent.Tests.EndToEnd;

/// <summary>
/// Speakerphone echo over real sockets (issue 6 item 4): the emulated caller's line starts echoing the agent's voice in
/// the middle of a reply, at −12 dB and 60 ms, and the server's echo canceller  must keep the agent from
/// taking its own voice for the caller, while a caller talking 6 dB above that echo still cuts the agent off; and on a
/// clean line the canceller costs a caller who talks over the agent and then answers normally none of their words.
/// The server runs with <c>ECHO_CANCELLATION=true</c> stated here, whatever the default.
/// </summary>
[Collection(VoiceAgent.Tests.EmulatorsTests.RealTimeCollection.Name)] // real-time audio: keep the cores free for the 20 ms clocks
public sealed class MediaStreamsEchoTests : IAsyncLifetime
{
    private const string LongReply = "Once upon a time there was a small phone agent that talked for quite a while about many different things, "
        + "about the weather and the trains, about the shops in town and the opening hours of each of them, and it kept going.";

    private static readonly EchoSimulation SpeakerphoneMidReply = new()
    {
        Delay = TimeSpan.FromMilliseconds(60), GainDb = -12, AppearsAfter = TimeSpan.FromMilliseconds(1500),
    };

    private AudioServer _server = null!;

    public async Task InitializeAsync() => _server = await AudioServer.StartAsync(new Dictionary<string, string?> { ["ECHO_CANCELLATION"] = "true" });
    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task An_echo_that_appears_mid_reply_at_minus_12_dB_and_60_ms_does_not_cut_the_agent_off()
    {
        _server.Stt.EnqueueTranscript("Tell me a story.");
        _server.Model.Enqueue(ChatReply.Text(LongReply));
        await using var caller = await _server.CallAsync(new MediaStreamsCallerOptions { Echo = SpeakerphoneMidReply });
        await caller.PlayAsync(await TestAudio.SpeechMuLaw8kAsync("Tell me a story.")).DefaultTimeout();

        // 1.5 s of the reply without echo, then 4.5 s with it.
        await caller.WaitForHeardAudioAsync(8000 * 6).DefaultTimeout(TimeSpan.FromSeconds(30));

        Assert.Empty(caller.Clears);
        Assert.Equal(1, _server.Model.Requests.Count);
    }

    [Fact]
    public async Task A_caller_talking_6_dB_above_that_echo_cuts_the_agent_off()
    {
        _server.Stt.EnqueueTranscript("Tell me a story.");
        _server.Model.Enqueue(ChatReply.Text(LongReply));
        _server.Stt.EnqueueTranscript("Stop, that is enough thank you.");
        await using var caller = await _server.CallAsync(new MediaStreamsCallerOptions { Echo = SpeakerphoneMidReply });
        await caller.PlayAsync(await TestAudio.SpeechMuLaw8kAsync("Tell me a story.")).DefaultTimeout();
        await _server.Model.Requests.WhenReceived(0).DefaultTimeout(TimeSpan.FromSeconds(30)); // the caller's question was heard

        // The echo reaches STT raw for the ~200 ms before the canceller can suspect its path (its fit needs half a window
        // of it); a real STT transcribes that as the agent's own words, in however many segments. Whatever it hears until
        // the caller speaks is the agent's echo, and the server must drop it as echo bleed, not answer it.
        byte[] callerWords;
        using (_server.Stt.HearWhile("about the weather and the trains"))
        {
            await caller.WaitForHeardAudioAsync(8000 * 4).DefaultTimeout(TimeSpan.FromSeconds(30)); // 2.5 s of it with echo

            // The echo is the agent's voice 12 dB down; the caller speaks 6 dB above it.
            var agentDbfs = AudioEdit.RmsDbfs(AudioEdit.Trim(MuLawToPcm(caller.GetHeardAudio()), 8000));
            var words = AudioEdit.Trim(MuLawToPcm(await TestAudio.SpeechMuLaw8kAsync("Stop, that is enough thank you.")), 8000);
            callerWords = PcmToMuLaw(AudioEdit.ScaleTo(words, agentDbfs + SpeakerphoneMidReply.GainDb + 6));
            Assert.Empty(caller.Clears); // nothing cut the agent off before the caller spoke
        }
        await caller.PlayAsync(callerWords).DefaultTimeout(); // from here on STT hears the caller's words

        await caller.WaitForClearAsync().DefaultTimeout(TimeSpan.FromSeconds(20));
        var next = await _server.Model.Requests.WhenReceived(1).DefaultTimeout(TimeSpan.FromSeconds(20));
        Assert.EndsWith("Stop, that is enough thank you.", next.Messages[^1].Text, StringComparison.Ordinal);
        Assert.Contains("interrupted", next.Messages[^2].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task On_a_clean_line_a_caller_who_talks_over_the_agent_and_then_answers_normally_loses_no_words()
    {
        string[] said = ["Tell me about your prices.", "Stop, just the basic plan please.", "Can I book a table?", "Tomorrow at seven."];
        _server.Stt.EnqueueTranscript(said[0]);
        _server.Model.Enqueue(ChatReply.Text(LongReply));
        _server.Stt.EnqueueTranscript(said[1]);
        _server.Model.Enqueue(ChatReply.Text("The basic plan is ten dollars a month."));
        _server.Stt.EnqueueTranscript(said[2]);
        _server.Model.Enqueue(ChatReply.Text("Yes, for when?"));
        _server.Stt.EnqueueTranscript(said[3]);
        _server.Model.Enqueue(ChatReply.Text("Booked for tomorrow at seven."));
        await using var caller = await _server.CallAsync(); // no echo simulation: a clean line

        await caller.PlayAsync(await TestAudio.SpeechMuLaw8kAsync(said[0])).DefaultTimeout();
        await caller.WaitForHeardAudioAsync(8000 * 2).DefaultTimeout(TimeSpan.FromSeconds(30)); // two seconds of the long reply
        await caller.PlayAsync(await TestAudio.SpeechMuLaw8kAsync(said[1])).DefaultTimeout(); // over the agent, at its normal level
        await caller.WaitForClearAsync().DefaultTimeout(TimeSpan.FromSeconds(20));
        for (var turn = 1; turn < said.Length; turn++)
        {
            var request = await _server.Model.Requests.WhenReceived(turn).DefaultTimeout(TimeSpan.FromSeconds(30));
            Assert.EndsWith(said[turn], request.Messages[^1].Text, StringComparison.Ordinal);
            if (turn == said.Length - 1) break;
            // The reply plays to its end; then the caller answers it normally.
            await caller.WaitForMarkEchoesAsync(m => !m.DueToClear && m.Name.EndsWith("end", StringComparison.Ordinal), turn).DefaultTimeout(TimeSpan.FromSeconds(30));
            await caller.PlayAsync(TestAudio.SilenceMuLaw8k(300)).DefaultTimeout();
            await caller.PlayAsync(await TestAudio.SpeechMuLaw8kAsync(said[turn + 1])).DefaultTimeout();
        }

        Assert.Equal(said.Length, _server.Model.Requests.Count);
        var users = (await _server.Model.Requests.WhenReceived(said.Length - 1)).Messages.Where(m => m.Role == "user").Select(m => m.Text).ToList();
        foreach (var words in said) Assert.Contains(users, u => u.EndsWith(words, StringComparison.Ordinal));
        Assert.Single(caller.Clears); // only the one barge-in
    }

    private static short[] MuLawToPcm(byte[] mulaw)
    {
        var pcm = new short[mulaw.Length];
        VoiceAgent.Speech.Audio.MuLaw.Decode(mulaw, pcm);
        return pcm;
    }

    private static byte[] PcmToMuLaw(short[] pcm)
    {
        var mulaw = new byte[pcm.Length];
        VoiceAgent.Speech.Audio.MuLaw.Encode(pcm, mulaw);
        return mulaw;
    }
}
