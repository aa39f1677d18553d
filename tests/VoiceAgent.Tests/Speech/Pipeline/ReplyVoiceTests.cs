using System.Threading.Channels;
using VoiceAgent.Speech;
using VoiceAgent.Speech.Pipeline;
using VoiceAgent.Tests.Speech.Pipeline.Fakes;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.Speech.Pipeline;

/// <summary>One reply's TTS stream on a fake clock and an in-memory provider: open once within a bound, re-open once on a drop.</summary>
public sealed class ReplyVoiceTests
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(3);
    private static readonly TextToSpeechStreamOptions Options = new("voice", "ulaw_8000");
    private readonly ManualTimeProvider _clock = new();
    private readonly ScriptedTextToSpeech _tts = new();
    private readonly Channel<VoiceReport> _reports = Channel.CreateUnbounded<VoiceReport>();

    private readonly TaskCompletionSource _room = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Channel<bool> _roomAsked = Channel.CreateUnbounded<bool>();
    private bool _gated;

    private ReplyVoice NewVoice(Task<ITextToSpeechStream>? prepared = null) =>
        new(7, _tts, Options, prepared, Budget, _clock, (report, ct) => _reports.Writer.WriteAsync(report, ct), WaitForRoomAsync);

    /// <summary>Playout's bound: open unless a test gates it, then closed until <see cref="_room"/> is set.</summary>
    private ValueTask WaitForRoomAsync(CancellationToken cancellationToken)
    {
        if (!_gated) return ValueTask.CompletedTask;
        _roomAsked.Writer.TryWrite(true);
        return new ValueTask(_room.Task.WaitAsync(cancellationToken));
    }

    private async Task<T> NextReportAsync<T>() where T : VoiceReport
    {
        while (true)
        {
            var report = await _reports.Reader.ReadAsync().AsTask().DefaultTimeout();
            if (report is T wanted) return wanted;
            Assert.True(report is VoiceAudio or VoiceReopened or VoiceSendFailed, $"unexpected {report.GetType().Name}");
        }
    }

    private List<VoiceReport> ReportsSoFar()
    {
        var list = new List<VoiceReport>();
        while (_reports.Reader.TryRead(out var r)) list.Add(r);
        return list;
    }

    [Fact]
    public async Task Text_goes_to_the_stream_in_order_and_its_audio_is_reported_then_the_end()
    {
        var voice = NewVoice();
        voice.Say("Hello ", last: false);
        voice.Say("there.", last: true);
        await _tts.WaitForStreamsAsync(1);
        var stream = _tts.Streams[0];
        await stream.WhenCompleted.DefaultTimeout();
        stream.Speak("Hello there.");
        stream.End();

        var audio = await NextReportAsync<VoiceAudio>();
        await NextReportAsync<VoiceFinished>();
        await voice.Completion.DefaultTimeout();

        Assert.Equal("Hello there.", stream.Text);
        Assert.Equal("Hello there.", audio.Chunk.AlignedText);
        Assert.True(stream.Disposed);
        Assert.Equal(1, _tts.Opens);
    }

    [Fact]
    public async Task Text_said_while_the_voice_waits_on_a_send_follows_it_on_the_stream_in_order()
    {
        // Whether the next text reaches the socket on the caller's own thread (no hop) is a latency figure for the bench
        // (event 5070's "loop → TTS" hop); asserted here, it raced the runtime's scheduling on two fresh-clone runs.
        var stream = _tts.NewStream();
        var sent = new HeldSend();
        stream.HoldNextSend = sent;
        var voice = NewVoice(Task.FromResult<ITextToSpeechStream>(stream));
        voice.Say("Hello ", last: false);
        await stream.WaitForTextAsync("Hello ");
        await sent.Awaited.DefaultTimeout(); // the voice waits on that send
        voice.Say("there. ", last: false);
        Assert.Equal("Hello ", stream.Text); // nothing overtakes a send still in flight
        sent.Release();

        await stream.WaitForTextAsync("there. ");
        Assert.Equal("Hello there. ", stream.Text);
        Assert.NotEqual(0, voice.FirstTextSentAt);
        voice.Cancel();
        await voice.Completion.DefaultTimeout();
    }

    [Fact]
    public async Task The_next_chunk_is_not_read_from_the_provider_until_playout_has_room()
    {
        _gated = true;
        var voice = NewVoice();
        voice.Say("One. Two.", last: true);
        await _tts.WaitForStreamsAsync(1);
        var stream = _tts.Streams[0];
        stream.Speak("One.");
        stream.Speak("Two.");
        stream.End();

        var first = await NextReportAsync<VoiceAudio>();
        await _roomAsked.Reader.ReadAsync().AsTask().DefaultTimeout();
        Assert.Empty(ReportsSoFar()); // "Two." waits with the provider while playout is full

        _room.SetResult();
        var second = await NextReportAsync<VoiceAudio>();
        await NextReportAsync<VoiceFinished>();
        await voice.Completion.DefaultTimeout();
        Assert.Equal(["One.", "Two."], [first.Chunk.AlignedText, second.Chunk.AlignedText]);
    }

    [Fact]
    public async Task A_voice_waiting_for_room_ends_when_cancelled_and_closes_its_stream()
    {
        _gated = true;
        var voice = NewVoice();
        voice.Say("One. Two.", last: false);
        await _tts.WaitForStreamsAsync(1);
        var stream = _tts.Streams[0];
        stream.Speak("One.");
        await NextReportAsync<VoiceAudio>();
        await _roomAsked.Reader.ReadAsync().AsTask().DefaultTimeout();

        voice.Cancel(); // the call ended (or a barge-in) while the carrier was not draining

        await voice.Completion.DefaultTimeout();
        Assert.True(stream.Disposed);
    }

    [Fact]
    public async Task A_stream_that_fails_to_open_fails_the_reply_once_however_many_tokens_follow()
    {
        _tts.Fails(new IOException("HTTP 503"));
        var voice = NewVoice();
        for (var i = 0; i < 20; i++) voice.Say($"token {i} ", last: false);
        voice.Say("", last: true);

        var failed = await NextReportAsync<VoiceOpenFailed>();
        await voice.Completion.DefaultTimeout();

        Assert.IsType<IOException>(failed.Failure);
        Assert.Equal(1, _tts.Opens);
        Assert.Empty(ReportsSoFar());
    }

    [Fact]
    public async Task An_open_that_hangs_fails_the_reply_when_the_open_budget_has_passed_on_the_call_clock()
    {
        _tts.Hangs();
        var voice = NewVoice();
        voice.Say("Hello.", last: true);
        await _clock.WaitForPendingTimersAsync().DefaultTimeout();

        _clock.Advance(Budget - TimeSpan.FromMilliseconds(1));
        Assert.Empty(ReportsSoFar());
        _clock.Advance(TimeSpan.FromMilliseconds(1));

        var failed = await NextReportAsync<VoiceOpenFailed>();
        Assert.IsType<TimeoutException>(failed.Failure);
        Assert.Equal(1, _tts.Opens);
    }

    [Fact]
    public async Task A_failed_prepared_stream_fails_the_reply_without_a_second_open()
    {
        var voice = NewVoice(prepared: Task.FromException<ITextToSpeechStream>(new IOException("refused")));
        voice.Say("Hello.", last: true);

        await NextReportAsync<VoiceOpenFailed>();

        Assert.Equal(0, _tts.Opens);
    }

    [Fact]
    public async Task A_prepared_stream_is_used_instead_of_opening_one()
    {
        var prepared = _tts.NewStream();
        var voice = NewVoice(prepared: Task.FromResult<ITextToSpeechStream>(prepared));
        voice.Say("Hello.", last: true);

        await prepared.WhenCompleted.DefaultTimeout();

        Assert.Equal("Hello.", prepared.Text);
        Assert.Equal(0, _tts.Opens);
    }

    [Fact]
    public async Task A_drop_mid_reply_reopens_once_and_resends_only_the_text_not_yet_voiced()
    {
        var voice = NewVoice();
        voice.Say("One two. ", last: false);
        voice.Say("Three four.", last: true);
        await _tts.WaitForStreamsAsync(1);
        var first = _tts.Streams[0];
        await first.WhenCompleted.DefaultTimeout();
        first.Speak("One two. ");
        await NextReportAsync<VoiceAudio>();

        first.Drop(new IOException("connection reset"));

        var reopened = await NextReportAsync<VoiceReopened>();
        Assert.Equal("Three four.".Length, reopened.ResentChars);
        await _tts.WaitForStreamsAsync(2);
        var second = _tts.Streams[1];
        await second.WhenCompleted.DefaultTimeout(); // the reply had ended: the new stream is completed too
        Assert.Equal("Three four.", second.Text);
        second.Speak("Three four.");
        second.End();
        await NextReportAsync<VoiceFinished>();
        Assert.True(first.Disposed);
        Assert.Equal(2, _tts.Opens);
    }

    [Fact]
    public async Task A_second_drop_ends_the_reply_with_what_was_voiced()
    {
        var voice = NewVoice();
        voice.Say("One two three.", last: true);
        await _tts.WaitForStreamsAsync(1);
        _tts.Streams[0].Drop(new IOException("reset"));
        await NextReportAsync<VoiceReopened>();
        await _tts.WaitForStreamsAsync(2);

        _tts.Streams[1].Drop(new IOException("reset again"));

        var finished = await NextReportAsync<VoiceFinished>();
        Assert.IsType<IOException>(finished.Failure);
        Assert.Equal(2, _tts.Opens);
    }

    [Fact]
    public async Task A_drop_that_cannot_be_reopened_is_reported_as_the_voice_lost()
    {
        _tts.Succeeds().Fails(new IOException("HTTP 401"));
        var voice = NewVoice();
        voice.Say("Hello.", last: true);
        await _tts.WaitForStreamsAsync(1);

        _tts.Streams[0].Drop(new IOException("reset"));

        var lost = await NextReportAsync<VoiceLost>();
        Assert.Equal("reset", lost.Drop.Message);
        Assert.Equal("HTTP 401", lost.ReopenFailure.Message);
        await voice.Completion.DefaultTimeout();
    }

    [Fact]
    public async Task Cancel_closes_the_stream_and_nothing_more_is_reported()
    {
        var voice = NewVoice();
        voice.Say("A long reply ", last: false);
        await _tts.WaitForStreamsAsync(1);
        var stream = _tts.Streams[0];
        await stream.WaitForTextAsync("A long reply ");

        voice.Cancel();
        await voice.Completion.DefaultTimeout();
        stream.Speak("too late");

        Assert.True(stream.Disposed);
        Assert.Empty(ReportsSoFar());
    }
}
