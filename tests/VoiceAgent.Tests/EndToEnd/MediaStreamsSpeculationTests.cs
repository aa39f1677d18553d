using VoiceAgent.Emulators.ChatScript;
using VoiceAgent.Emulators.ElevenLabs;
using VoiceAgent.Emulators.Twilio.MediaStreams;
using VoiceAgent.Tests.TestSupport;
using VoiceAgent.Tests.TestSupport.Audio;

namespace VoiceAgent.Tests.EndToEnd;

/// <summary>
/// Speculative replies over real sockets: emulated Twilio Media Streams → server → Deepgram emulator that finalizes
/// the words at a pause (160 ms of quiet) before its 300 ms endpoint → model and ElevenLabs emulators. The caller
/// sends only the audio the test plays (no idle silence), so a caller who stopped after a short pause holds the STT
/// between its early final and its endpoint for as long as the test needs: no timing decides the outcome.
/// </summary>
[Collection(VoiceAgent.Tests.EmulatorsTests.RealTimeCollection.Name)]
public sealed class MediaStreamsSpeculationTests : IAsyncLifetime
{
    private const int PauseMs = 240; // after the emulator's early final (160 ms of quiet), before its endpoint (300 ms)
    private AudioServer _server = null!;

    public async Task InitializeAsync() => _server = await AudioServer.StartAsync(new Dictionary<string, string?>
    {
        ["SPECULATIVE_REPLIES"] = "final",
        ["CARRIER_IDLE_TIMEOUT_MS"] = "600000", // the caller is silent on purpose while the test looks
    }, sttFinalizeAfterQuiet: TimeSpan.FromMilliseconds(160));

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private Task<MediaStreamsCaller> CallAsync() => _server.CallAsync(new MediaStreamsCallerOptions { SendSilenceWhenIdle = false });

    private static Task<byte[]> SpeechThenPauseAsync(string text) => SpeechThenSilenceAsync(text, PauseMs);

    /// <summary>
    /// The sentence without the synthesiser's own leading and trailing quiet (cut above the emulated STT's loudness
    /// threshold, so the pause the STT measures is exactly the silence added), then <paramref name="silenceMs"/> of silence.
    /// </summary>
    private static async Task<byte[]> SpeechThenSilenceAsync(string text, int silenceMs)
    {
        var mulaw = await TestAudio.SpeechMuLaw8kAsync(text);
        var pcm = new short[mulaw.Length];
        VoiceAgent.Speech.Audio.MuLaw.Decode(mulaw, pcm);
        var speech = AudioEdit.Trim(pcm, 8000, thresholdDbfs: -35);
        var trimmed = new byte[speech.Length];
        VoiceAgent.Speech.Audio.MuLaw.Encode(speech, trimmed);
        return [.. trimmed, .. TestAudio.SilenceMuLaw8k(silenceMs)];
    }

    [Fact]
    public async Task A_reply_started_on_a_final_before_the_endpoint_is_held_silent_until_the_turn_ends_and_then_played()
    {
        _server.Stt.EnqueueTranscript("What are your opening hours?");
        _server.Model.Enqueue(ChatReply.Text("We are open ", "from nine to five."));
        await using var caller = await CallAsync();

        await caller.PlayAsync(await SpeechThenPauseAsync("What are your opening hours")).DefaultTimeout();

        // No audio follows the pause, so the STT cannot have reached its endpoint: the model was asked before it.
        var request = await _server.Model.Requests.WhenReceived(0).DefaultTimeout(TimeSpan.FromSeconds(20));
        Assert.EndsWith("What are your opening hours?", request.LastUserText, StringComparison.Ordinal);
        // The whole reply is synthesised meanwhile, and none of it reached the caller.
        var voice = await WaitForSynthesisAsync("from nine to five");
        Assert.True(voice.AudioBytesSent > 0);
        Assert.Equal(0, caller.OutboundMedia.Bytes);
        Assert.Empty(caller.Clears);

        // More quiet: the endpoint confirms the turn with the same words, and the held reply plays at once.
        await caller.PlayAsync(TestAudio.SilenceMuLaw8k(600)).DefaultTimeout();
        await caller.WaitForAudioAsync(8000).DefaultTimeout(TimeSpan.FromSeconds(20));
        Assert.Equal(1, _server.Model.Requests.Count);
        Assert.Equal(0, _server.Model.Requests.AbortedCount);
    }

    [Fact]
    public async Task When_the_caller_goes_on_the_speculative_request_is_aborted_and_one_reply_answers_the_whole_utterance()
    {
        _server.Stt.EnqueueTranscript("I would like to book");
        _server.Stt.EnqueueTranscript("a table for two tonight");
        _server.Stt.EnqueueTranscript("Thank you");
        var neverReleased = new TaskCompletionSource();
        _server.Model.Enqueue(new ChatReply { TextChunks = ["What would you ", "like to book?"], Gate = neverReleased.Task, GateAfterDeltas = 1 });
        _server.Model.Enqueue(ChatReply.Text("Two people tonight, ", "booked."));
        _server.Model.Enqueue(ChatReply.Text("You are welcome."));
        await using var caller = await CallAsync();

        await caller.PlayAsync(await SpeechThenPauseAsync("I would like to book")).DefaultTimeout();
        var speculative = await _server.Model.Requests.WhenReceived(0).DefaultTimeout(TimeSpan.FromSeconds(20));
        Assert.EndsWith("I would like to book", speculative.LastUserText, StringComparison.Ordinal);

        // The caller goes on after the pause.
        await caller.PlayAsync(await SpeechThenSilenceAsync("a table for two tonight", 600)).DefaultTimeout();
        await _server.Model.Requests.WhenAborted(0).DefaultTimeout(TimeSpan.FromSeconds(20));
        var whole = await _server.Model.Requests.WhenReceived(1).DefaultTimeout(TimeSpan.FromSeconds(20));
        Assert.EndsWith("I would like to book a table for two tonight", whole.LastUserText, StringComparison.Ordinal);
        await caller.WaitForAudioAsync(8000).DefaultTimeout(TimeSpan.FromSeconds(20));
        await WaitForReplyEndMarkAsync(caller);

        // The next turn's request carries the history: the whole utterance once, the reply that was spoken once.
        await caller.PlayAsync(await SpeechThenSilenceAsync("Thank you", 600)).DefaultTimeout();
        var next = await _server.Model.Requests.WhenReceived(2).DefaultTimeout(TimeSpan.FromSeconds(20));
        var assistant = Assert.Single(next.Messages, m => m.Role == "assistant");
        Assert.Equal("Two people tonight, booked.", assistant.Text);
        Assert.Single(next.Messages, m => m.Text.Contains("I would like to book", StringComparison.Ordinal));
        Assert.DoesNotContain(next.Messages, m => m.Text.Contains("What would you", StringComparison.Ordinal));
        Assert.Equal(3, _server.Model.Requests.Count);
    }

    /// <summary>The TTS session that synthesised <paramref name="text"/> to its end (bounded: 20 s).</summary>
    private async Task<ElevenLabsEmulatorSession> WaitForSynthesisAsync(string text)
    {
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (true)
        {
            if (_server.Tts.Sessions.FirstOrDefault(s => s.FinalSent && s.SpokenText.Contains(text, StringComparison.Ordinal)) is { } done) return done;
            await Task.Delay(20, bound.Token);
        }
    }

    /// <summary>The reply has played to its end (its closing mark came back; bounded: 20 s).</summary>
    private static async Task WaitForReplyEndMarkAsync(MediaStreamsCaller caller)
    {
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (!caller.MarkEchoes.Any(m => m.Name.EndsWith("end", StringComparison.Ordinal))) await Task.Delay(20, bound.Token);
    }
}
