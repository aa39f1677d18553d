using Microsoft.Extensions.DependencyInjection;
using VoiceAgent.Emulators.ChatScript;
using VoiceAgent.Emulators.Twilio.MediaStreams;
using VoiceAgent.Tests.TestSupport;
using VoiceAgent.Tests.TestSupport.Audio;

namespace VoiceAgent.Tests.EndToEnd;

/// <summary>
/// Audio calls end to end over real sockets: emulated Twilio Media Streams (real-time 20 ms frames of espeak
/// speech) → server VAD + Deepgram emulator → model emulator → ElevenLabs emulator → paced frames back.
/// </summary>
[Collection(VoiceAgent.Tests.EmulatorsTests.RealTimeCollection.Name)] // real-time audio: keep the cores free for the 20 ms clocks
public sealed class MediaStreamsConversationTests : IAsyncLifetime
{
    private AudioServer _server = null!;

    public async Task InitializeAsync() => _server = await AudioServer.StartAsync();
    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static Task<byte[]> Speech(string text) => TestAudio.SpeechMuLaw8kAsync(text);

    /// <summary>Polls the dashboard's monitor (bounded: 30 s guards a hang only) for the call's turn with every one of <paramref name="hops"/>.</summary>
    private static async Task<VoiceAgent.Observability.Live.LiveTurnView> WaitForTurnAsync(VoiceAgent.Observability.Live.CallMonitor monitor, params string[] hops)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var turn = monitor.Snapshot.Calls.SelectMany(c => c.RecentTurns).FirstOrDefault(t => t.Hops.ContainsKey("transcript-final"));
            if (turn is not null && hops.All(turn.Hops.ContainsKey)) return turn;
            await Task.Delay(20, timeout.Token);
        }
    }

    [Fact]
    public async Task A_spoken_sentence_is_transcribed_answered_and_played_back_as_paced_frames_with_a_final_mark()
    {
        _server.Stt.EnqueueTranscript("What are your opening hours?");
        _server.Model.Enqueue(ChatReply.Text("We are open ", "from nine to five, ", "Monday to Friday."));
        await using var caller = await _server.CallAsync();

        await caller.PlayAsync(await Speech("What are your opening hours?")).DefaultTimeout();

        var request = await _server.Model.Requests.WhenReceived(0).DefaultTimeout(TimeSpan.FromSeconds(20));
        Assert.EndsWith("What are your opening hours?", request.Messages[^1].Text, StringComparison.Ordinal);
        // "We are open from nine to five, Monday to Friday." is 49 characters ≈ 3.2 s of emulated speech.
        await caller.WaitForAudioAsync(8000 * 2).DefaultTimeout(TimeSpan.FromSeconds(20)); // two seconds of the reply arrived
        await caller.WaitForHeardAudioAsync(8000 * 3).DefaultTimeout(TimeSpan.FromSeconds(20));
        var stats = caller.OutboundMedia;
        Assert.True(stats.AverageGap.TotalMilliseconds >= 15, $"frames came {stats.AverageGap.TotalMilliseconds} ms apart: a burst, not real-time pacing");
        Assert.Empty(caller.InvalidFrames);
    }

    [Fact]
    public async Task The_dashboards_waterfall_gets_the_audio_paths_hops_of_a_turn_in_the_engines_turn()
    {
        var monitor = _server.App.Services.GetRequiredService<VoiceAgent.Observability.Live.CallMonitor>();
        _server.Stt.EnqueueTranscript("What are your opening hours?");
        _server.Model.Enqueue(ChatReply.Text("We are open ", "from nine to five."));
        await using var caller = await _server.CallAsync();

        await caller.PlayAsync(await Speech("What are your opening hours?")).DefaultTimeout();
        await caller.WaitForHeardAudioAsync(8000).DefaultTimeout(TimeSpan.FromSeconds(20));

        // The engine's hops and the pipeline's (STT final, first TTS audio, first frame out, heard) land in one turn.
        var turn = await WaitForTurnAsync(monitor, "socket-received", "transcript-final", "model-request-sent", "first-tts-audio", "first-media-sent", "first-audio-heard");
        Assert.True(turn.Hops["first-media-sent"] >= turn.Hops["first-tts-audio"], "the first frame went out before TTS sent audio");
        Assert.True(turn.Hops["first-audio-heard"] >= turn.Hops["first-media-sent"], "the caller heard the reply before it was sent");
    }

    [Fact]
    public async Task The_dashboards_waterfall_gets_playback_completed_when_the_replys_last_mark_is_echoed()
    {
        var monitor = _server.App.Services.GetRequiredService<VoiceAgent.Observability.Live.CallMonitor>();
        _server.Stt.EnqueueTranscript("Are you open today?");
        _server.Model.Enqueue(ChatReply.Text("Yes, ", "until five."));
        await using var caller = await _server.CallAsync();

        await caller.PlayAsync(await Speech("Are you open today?")).DefaultTimeout();

        // The emulated line echoes each mark once its audio has played: the last one means the caller heard the whole reply.
        var turn = await WaitForTurnAsync(monitor, "transcript-final", "playback-completed");
        Assert.True(turn.Hops.ContainsKey("first-audio-heard"), "the whole reply was heard before its start was");
        Assert.True(turn.Hops["playback-completed"] >= turn.Hops["first-audio-heard"], "the reply finished playing before it was heard to start");
        Assert.NotEmpty(caller.MarkEchoes);
    }

    [Fact]
    public async Task Barge_in_sends_clear_and_the_next_request_carries_only_the_heard_part_marked_interrupted()
    {
        _server.Stt.EnqueueTranscript("Tell me about your prices.");
        _server.Model.Enqueue(ChatReply.Text("Our basic plan costs ten dollars a month and includes everything you need to get started with the service, ", "and our premium plan costs twenty dollars and adds priority support."));
        _server.Stt.EnqueueTranscript("Stop, just the basic plan please.");
        await using var caller = await _server.CallAsync();

        await caller.PlayAsync(await Speech("Tell me about your prices.")).DefaultTimeout();
        await caller.WaitForHeardAudioAsync(8000 * 2).DefaultTimeout(TimeSpan.FromSeconds(20)); // two seconds of the reply played
        var loud = AudioEdit.ToBytes(AudioEdit.Gain(AudioEdit.ToSamples(MuLawToPcm(await Speech("Stop, just the basic plan please."))), 6));
        await caller.PlayAsync(PcmToMuLaw(loud)).DefaultTimeout();

        await caller.WaitForClearAsync().DefaultTimeout(TimeSpan.FromSeconds(20));
        var next = await _server.Model.Requests.WhenReceived(1).DefaultTimeout(TimeSpan.FromSeconds(20));
        var heard = next.Messages[^2];
        Assert.Equal("assistant", heard.Role);
        Assert.Contains("interrupted", heard.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("premium", heard.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Barge_in_while_the_model_is_still_streaming_aborts_the_model_request()
    {
        // The reply never finishes on its own and the server's watchdog timeouts are far longer than the hang guard
        // (AudioServer), so only the barge-in can end this request.
        var neverReleased = new TaskCompletionSource();
        _server.Stt.EnqueueTranscript("Tell me about your prices.");
        _server.Model.Enqueue(new ChatReply { TextChunks = ["Our basic plan costs ten dollars a month and includes everything you need to get started, ", "and more."], Gate = neverReleased.Task, GateAfterDeltas = 1 });
        _server.Stt.EnqueueTranscript("Stop, just the basic plan please.");
        await using var caller = await _server.CallAsync();

        await caller.PlayAsync(await Speech("Tell me about your prices.")).DefaultTimeout();
        await caller.WaitForHeardAudioAsync(8000 * 2).DefaultTimeout(TimeSpan.FromSeconds(20)); // two seconds of the reply played
        Assert.Equal(0, _server.Model.Requests.AbortedCount); // still streaming: held at the gate
        var loud = AudioEdit.ToBytes(AudioEdit.Gain(AudioEdit.ToSamples(MuLawToPcm(await Speech("Stop, just the basic plan please."))), 6));
        await caller.PlayAsync(PcmToMuLaw(loud)).DefaultTimeout();

        await caller.WaitForClearAsync().DefaultTimeout(TimeSpan.FromSeconds(20));
        await _server.Model.Requests.WhenAborted(0).DefaultTimeout();
        Assert.Equal(1, _server.Model.Requests.AbortedCount);
    }

    [Fact]
    public async Task A_noise_burst_while_the_agent_speaks_does_not_interrupt()
    {
        _server.Stt.EnqueueTranscript("Read me the news.");
        _server.Model.Enqueue(ChatReply.Text("Here is a fairly long answer that keeps going for a few seconds so that a noise burst lands in the middle of it."));
        await using var caller = await _server.CallAsync();
        await caller.PlayAsync(await Speech("Read me the news.")).DefaultTimeout();
        await caller.WaitForHeardAudioAsync(8000).DefaultTimeout(TimeSpan.FromSeconds(20));

        _server.Stt.EnqueueTranscript(""); // like Deepgram, the emulated STT hears no words in a noise burst
        var burst = await TestAudio.NoiseBurstAsync(8000, 120, -20);
        await caller.PlayAsync(PcmToMuLaw(AudioEdit.ToBytes(burst))).DefaultTimeout();
        await caller.WaitForHeardAudioAsync(8000 * 4).DefaultTimeout(TimeSpan.FromSeconds(20));

        Assert.Empty(caller.Clears);
        Assert.Equal(1, _server.Model.Requests.Count);
    }

    [Fact]
    public async Task The_agents_own_echo_does_not_interrupt()
    {
        _server.Stt.EnqueueTranscript("Tell me a story.");
        _server.Model.Enqueue(ChatReply.Text("Once upon a time there was a small phone agent that talked for quite a while about many different things."));
        await using var caller = await _server.CallAsync(new MediaStreamsCallerOptions { Echo = new VoiceAgent.Emulators.Audio.EchoSimulation { Delay = TimeSpan.FromMilliseconds(120), GainDb = -12 } });
        await caller.PlayAsync(await Speech("Tell me a story.")).DefaultTimeout();

        await caller.WaitForHeardAudioAsync(8000 * 5).DefaultTimeout(TimeSpan.FromSeconds(25));

        Assert.Empty(caller.Clears);
        Assert.Equal(1, _server.Model.Requests.Count);
    }

    [Fact]
    public async Task The_agents_own_echo_does_not_interrupt_when_the_network_bunches_the_callers_frames()
    {
        // Frames held and delivered 25 at a time (500 ms of jitter): the server reads each by its media.timestamp, so the
        // echo still lines up with what was playing when it was captured, not with when it arrived.
        _server.Stt.EnqueueTranscript("Tell me a story.");
        _server.Model.Enqueue(ChatReply.Text("Once upon a time there was a small phone agent that talked for quite a while about many different things."));
        await using var caller = await _server.CallAsync(new MediaStreamsCallerOptions
        {
            Echo = new VoiceAgent.Emulators.Audio.EchoSimulation { Delay = TimeSpan.FromMilliseconds(120), GainDb = -12 },
            InboundFramesPerBurst = 25,
        });
        await caller.PlayAsync(await Speech("Tell me a story.")).DefaultTimeout();

        await caller.WaitForHeardAudioAsync(8000 * 5).DefaultTimeout(TimeSpan.FromSeconds(25));

        Assert.Empty(caller.Clears);
        Assert.Equal(1, _server.Model.Requests.Count);
    }

    [Fact]
    public async Task A_low_confidence_transcript_is_not_sent_to_the_model()
    {
        _server.Stt.EnqueueTranscript("mumble mumble", confidence: 0.3);
        _server.Stt.EnqueueTranscript("What time do you close?");
        await using var caller = await _server.CallAsync();

        await caller.PlayAsync(await Speech("Something unclear here.")).DefaultTimeout();
        await caller.PlayAsync(TestAudio.SilenceMuLaw8k(1500)).DefaultTimeout();
        await caller.PlayAsync(await Speech("What time do you close?")).DefaultTimeout();

        var request = await _server.Model.Requests.WhenReceived(0).DefaultTimeout(TimeSpan.FromSeconds(20));
        Assert.EndsWith("What time do you close?", request.Messages[^1].Text, StringComparison.Ordinal);
        Assert.DoesNotContain(request.Messages, m => m.Text.Contains("mumble", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_single_word_final_right_after_the_agent_stopped_is_dropped_as_an_artefact()
    {
        // "Right after" is measured on the server's clock; a window far wider than any scheduling delay keeps a
        // loaded machine from turning "right after" into "later" (the window's width is a setting, not the behaviour).
        await using var server = await AudioServer.StartAsync(new Dictionary<string, string?> { ["STT_ARTEFACT_WINDOW_MS"] = "10000" });
        server.Stt.EnqueueTranscript("Hello there.");
        server.Model.Enqueue(ChatReply.Text("Hi."));
        await using var caller = await server.CallAsync();
        await caller.PlayAsync(await Speech("Hello there.")).DefaultTimeout();
        await server.Model.Requests.WhenReceived(0).DefaultTimeout(TimeSpan.FromSeconds(20));
        var endMark = await WaitForMarkEndingAsync(caller, "end").DefaultTimeout(TimeSpan.FromSeconds(20));
        Assert.False(endMark.DueToClear);

        server.Stt.EnqueueTranscript("Yeah.");
        await caller.PlayAsync(await Speech("yeah")).DefaultTimeout(); // right after the agent's last audio
        server.Stt.EnqueueTranscript("Can I book a table?");
        await caller.PlayAsync(TestAudio.SilenceMuLaw8k(1500)).DefaultTimeout();
        await caller.PlayAsync(await Speech("Can I book a table?")).DefaultTimeout();

        var next = await server.Model.Requests.WhenReceived(1).DefaultTimeout(TimeSpan.FromSeconds(20));
        Assert.EndsWith("Can I book a table?", next.Messages[^1].Text, StringComparison.Ordinal);
        Assert.DoesNotContain(next.Messages, m => m.Role == "user" && m.Text.Contains("Yeah", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_dropped_deepgram_socket_mid_call_is_survived()
    {
        _server.Stt.EnqueueTranscript("First question.");
        _server.Model.Enqueue(ChatReply.Text("First answer."));
        await using var caller = await _server.CallAsync();
        await caller.PlayAsync(await Speech("First question.")).DefaultTimeout();
        await _server.Model.Requests.WhenReceived(0).DefaultTimeout(TimeSpan.FromSeconds(20));

        _server.Stt.DropActiveConnections();
        await caller.PlayAsync(TestAudio.SilenceMuLaw8k(1000)).DefaultTimeout();
        _server.Stt.EnqueueTranscript("Second question.");
        await caller.PlayAsync(await Speech("Second question.")).DefaultTimeout();

        var second = await _server.Model.Requests.WhenReceived(1).DefaultTimeout(TimeSpan.FromSeconds(20));
        Assert.EndsWith("Second question.", second.Messages[^1].Text, StringComparison.Ordinal);
        Assert.True(_server.Stt.ConnectionsAccepted >= 2);
    }

    /// <summary>Waits (bounded) until the caller has echoed a mark whose name ends with <paramref name="suffix"/>.</summary>
    private static async Task<MediaStreamsMarkEcho> WaitForMarkEndingAsync(MediaStreamsCaller caller, string suffix)
    {
        for (var i = 0; i < 400; i++)
        {
            if (caller.MarkEchoes.FirstOrDefault(m => m.Name.EndsWith(suffix, StringComparison.Ordinal)) is { } mark) return mark;
            await Task.Delay(50);
        }
        throw new TimeoutException($"no mark ending in '{suffix}'");
    }

    private static byte[] MuLawToPcm(byte[] mulaw)
    {
        var pcm = new short[mulaw.Length];
        VoiceAgent.Speech.Audio.MuLaw.Decode(mulaw, pcm);
        return AudioEdit.ToBytes(pcm);
    }

    private static byte[] PcmToMuLaw(byte[] pcmBytes)
    {
        var pcm = AudioEdit.ToSamples(pcmBytes);
        var mulaw = new byte[pcm.Length];
        VoiceAgent.Speech.Audio.MuLaw.Encode(pcm, mulaw);
        return mulaw;
    }
}
