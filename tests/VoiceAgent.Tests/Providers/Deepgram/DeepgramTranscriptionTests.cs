using VoiceAgent.Speech;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.Providers.Deepgram;

/// <summary>Caller audio in, speech events out.</summary>
public sealed class DeepgramTranscriptionTests : DeepgramEmulatorTestBase
{
    private static readonly TimeSpan Tolerance = TimeSpan.FromMilliseconds(30);

    [Fact]
    public async Task SpeechSegmentYieldsSpeechStartedInterimFinalAndUtteranceEnd()
    {
        Emulator.EnqueueTranscript("What are your opening hours?", confidence: 0.87);
        await using var session = await ConnectAsync();
        await using var events = new SpeechEventReader(session);

        await SendInFramesAsync(session, TestAudio.MuLawUtterance(TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(1.2), TimeSpan.FromSeconds(1.5)));

        var utteranceEnd = await events.NextAsync<UtteranceEnded>();
        var started = Assert.Single(events.Seen.OfType<SpeechStartedDetected>());
        var interim = events.Seen.OfType<TranscriptReceived>().First(t => !t.IsFinal);
        var final = Assert.Single(events.Seen.OfType<TranscriptReceived>(), t => t.IsFinal);
        Assert.True(events.IndexOf(started) < events.IndexOf(interim), events.Describe());
        Assert.True(events.IndexOf(interim) < events.IndexOf(final), events.Describe());
        Assert.True(events.IndexOf(final) < events.IndexOf(utteranceEnd), events.Describe());

        Assert.Equal("What are your opening hours?", final.Text);
        Assert.Equal(0.87, final.Confidence);
        Assert.True(final.SpeechFinal);
        AssertClose(TimeSpan.FromSeconds(0.5), started.Timestamp);
        AssertClose(TimeSpan.FromSeconds(0.5), final.Start);
        AssertClose(TimeSpan.FromSeconds(1.2), final.Duration);
        AssertClose(TimeSpan.FromSeconds(1.7), utteranceEnd.LastWordEnd);
        Assert.StartsWith("What", interim.Text, StringComparison.Ordinal);
        Assert.All(events.Seen, e => Assert.NotEqual(0, e.ReceivedAt));
    }

    [Fact]
    public async Task FinalizeFlushesSpeechInProgressIntoAFinal()
    {
        Emulator.EnqueueTranscript("book me in for tuesday");
        await using var session = await ConnectAsync();
        await using var events = new SpeechEventReader(session);
        await SendInFramesAsync(session, TestAudio.MuLawUtterance(TimeSpan.FromSeconds(0.3), TimeSpan.FromSeconds(0.8), TimeSpan.Zero));

        await session.FinalizeAsync(TestTimeout).DefaultTimeout();

        var final = await events.NextAsync<TranscriptReceived>(t => t.IsFinal);
        Assert.Equal("book me in for tuesday", final.Text);
        Assert.False(final.SpeechFinal); // flushed on request, not by an endpoint
        Assert.Equal(1, Emulator.FinalizesReceived);
    }

    [Fact]
    public async Task Linear16At16kHzIsTranscribed()
    {
        Emulator.EnqueueTranscript("vonage caller speaking");
        await using var session = await ConnectAsync(session: new SpeechToTextSessionOptions("nova-3", "en-US", "linear16", 16000));
        await using var events = new SpeechEventReader(session);

        await SendInFramesAsync(session, TestAudio.Linear16Utterance(16000, TimeSpan.FromSeconds(0.2), TimeSpan.FromSeconds(0.6), TimeSpan.FromSeconds(0.5)), frameBytes: 640);

        var final = await events.NextAsync<TranscriptReceived>(t => t.IsFinal);
        Assert.Equal("vonage caller speaking", final.Text);
        AssertClose(TimeSpan.FromSeconds(0.2), final.Start);
    }

    [Fact]
    public async Task UnscriptedSegmentIsTranscribedWithTheLabelledDefault()
    {
        await using var session = await ConnectAsync();
        await using var events = new SpeechEventReader(session);

        await SendInFramesAsync(session, TestAudio.MuLawUtterance(TimeSpan.FromSeconds(0.2), TimeSpan.FromSeconds(1.4), TimeSpan.FromSeconds(0.5)));

        var final = await events.NextAsync<TranscriptReceived>(t => t.IsFinal);
        Assert.Equal("emulated speech 1.4 seconds", final.Text);
    }

    [Fact]
    public async Task MalformedJsonFromTheServerIsSkipped()
    {
        Emulator.InjectTextBeforeNextResult("{\"type\":\"Results\",\"channel\":{");
        Emulator.InjectTextBeforeNextResult("this is not json");
        Emulator.EnqueueTranscript("still transcribed");
        await using var session = await ConnectAsync();
        await using var events = new SpeechEventReader(session);

        await SendInFramesAsync(session, TestAudio.MuLawUtterance(TimeSpan.FromSeconds(0.2), TimeSpan.FromSeconds(0.6), TimeSpan.FromSeconds(0.5)));

        var final = await events.NextAsync<TranscriptReceived>(t => t.IsFinal);
        Assert.Equal("still transcribed", final.Text);
        Assert.DoesNotContain(events.Seen, e => e is SpeechError or SpeechReconnected);
        Assert.Equal(1, Emulator.ConnectionsAccepted);
    }

    [Fact]
    public async Task UnknownMessageTypeIsIgnored()
    {
        Emulator.InjectTextBeforeNextResult("""{"type":"TurnPrediction","probability":0.7}""");
        Emulator.EnqueueTranscript("after the unknown message");
        await using var session = await ConnectAsync();
        await using var events = new SpeechEventReader(session);

        await SendInFramesAsync(session, TestAudio.MuLawUtterance(TimeSpan.FromSeconds(0.2), TimeSpan.FromSeconds(0.6), TimeSpan.FromSeconds(0.5)));

        var final = await events.NextAsync<TranscriptReceived>(t => t.IsFinal);
        Assert.Equal("after the unknown message", final.Text);
        Assert.All(events.Seen, e => Assert.True(e is SpeechStartedDetected or TranscriptReceived, e.ToString()));
    }

    [Fact]
    public async Task InBandErrorMessageIsReportedAsANonFatalSpeechError()
    {
        Emulator.InjectTextBeforeNextResult("""{"type":"Error","description":"Rate limit warning","variant":"RATE-0001"}""");
        await using var session = await ConnectAsync();
        await using var events = new SpeechEventReader(session);

        await SendInFramesAsync(session, TestAudio.MuLawUtterance(TimeSpan.FromSeconds(0.2), TimeSpan.FromSeconds(0.6), TimeSpan.FromSeconds(0.5)));

        var error = await events.NextAsync<SpeechError>();
        Assert.Equal("Rate limit warning (RATE-0001)", error.Message);
        Assert.False(error.Fatal);
        await events.NextAsync<TranscriptReceived>(t => t.IsFinal);
    }

    [Fact]
    public async Task EmptyAudioIsNeverSent()
    {
        await using var session = await ConnectAsync();

        await session.SendAudioAsync(ReadOnlyMemory<byte>.Empty, TestTimeout).DefaultTimeout();
        await session.FinalizeAsync(TestTimeout).DefaultTimeout();
        await WaitForEmulatorAsync(e => e.FinalizesReceived == 1);

        var connection = Assert.Single(Emulator.Connections);
        Assert.Equal(0, connection.AudioFramesReceived);
        Assert.Null(connection.ServerCloseStatus);
    }

    private static void AssertClose(TimeSpan expected, TimeSpan actual)
        => Assert.True((expected - actual).Duration() <= Tolerance, $"expected {expected} ± {Tolerance.TotalMilliseconds} ms, got {actual}");
}
