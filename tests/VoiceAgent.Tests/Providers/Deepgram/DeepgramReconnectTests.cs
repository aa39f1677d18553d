using VoiceAgent.Speech;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.Providers.Deepgram;

/// <summary>A dropped Deepgram socket is replaced without ending the session.</summary>
public sealed class DeepgramReconnectTests : DeepgramEmulatorTestBase
{
    [Fact]
    public async Task DroppedConnectionReconnectsAndEmitsSpeechReconnected()
    {
        Emulator.DropNextConnectionAfter(audioFrames: 5);
        await using var session = await ConnectAsync();
        await using var events = new SpeechEventReader(session);

        await SendInFramesAsync(session, TestAudio.MuLawSilenceOf(TimeSpan.FromMilliseconds(200)));

        var reconnected = await events.NextAsync<SpeechReconnected>();
        Assert.False(string.IsNullOrWhiteSpace(reconnected.Reason)); // which side notices the drop first varies
        Assert.Equal(2, Emulator.ConnectionsAccepted);
        Assert.True(Emulator.Connections[0].Aborted);
        Assert.Equal(Emulator.Connections[0].QueryString, Emulator.Connections[1].QueryString);
    }

    [Fact]
    public async Task UtteranceAfterAReconnectIsTranscribed()
    {
        Emulator.DropNextConnectionAfter(audioFrames: 5);
        await using var session = await ConnectAsync();
        await using var events = new SpeechEventReader(session);
        await SendInFramesAsync(session, TestAudio.MuLawSilenceOf(TimeSpan.FromMilliseconds(100)));
        await events.NextAsync<SpeechReconnected>();

        Emulator.EnqueueTranscript("are you still there");
        await SendInFramesAsync(session, TestAudio.MuLawUtterance(TimeSpan.FromSeconds(0.2), TimeSpan.FromSeconds(0.8), TimeSpan.FromSeconds(0.5)));

        var final = await events.NextAsync<TranscriptReceived>(t => t.IsFinal);
        Assert.Equal("are you still there", final.Text);
        Assert.True(final.SpeechFinal);
    }

    [Fact]
    public async Task AudioSentAcrossADropIsReplayedAndTranscribedInSessionTime()
    {
        Emulator.EnqueueTranscript("i was talking while it dropped", confidence: 0.91);
        Emulator.DropNextConnectionAfter(audioFrames: 5);
        await using var session = await ConnectAsync();
        await using var events = new SpeechEventReader(session);

        // 2.2 s sent without waiting: the drop happens 0.1 s in; the 2 s replay buffer keeps the last 2 s.
        await SendInFramesAsync(session, TestAudio.MuLawUtterance(TimeSpan.FromSeconds(0.2), TimeSpan.FromSeconds(0.8), TimeSpan.FromSeconds(1.2)));

        var final = await events.NextAsync<TranscriptReceived>(t => t.IsFinal);
        Assert.Equal("i was talking while it dropped", final.Text);
        Assert.Equal(0.91, final.Confidence);
        Assert.True((final.Start - TimeSpan.FromSeconds(0.2)).Duration() <= TimeSpan.FromMilliseconds(30), $"start {final.Start}");
        Assert.True(events.IndexOf(events.Seen.OfType<SpeechReconnected>().Single()) < events.IndexOf(final));
        Assert.Equal(2, Emulator.ConnectionsAccepted);
    }

    [Fact]
    public async Task ReconnectRejectedOnEveryAttemptEndsWithAFatalSpeechError()
    {
        await using var session = await ConnectAsync(ClientOptions() with { ReconnectAttempts = 3 });
        await using var events = new SpeechEventReader(session);
        Emulator.RejectNextUpgrade(503, count: 3);

        Emulator.DropActiveConnections();

        var error = await events.NextAsync<SpeechError>();
        Assert.True(error.Fatal);
        Assert.Contains("503", error.Message, StringComparison.Ordinal);
        await events.ReadToEndAsync();
        Assert.Same(error, events.Seen[^1]);
        Assert.DoesNotContain(events.Seen, e => e is SpeechReconnected);
        Assert.Equal(3, Emulator.UpgradesRejected);
        Assert.Equal(1, Emulator.ConnectionsAccepted);
    }

    [Fact]
    public async Task AudioAfterAFatalErrorIsDroppedWithoutThrowing()
    {
        await using var session = await ConnectAsync(ClientOptions() with { ReconnectAttempts = 1 });
        await using var events = new SpeechEventReader(session);
        Emulator.RejectNextUpgrade(401);
        Emulator.DropActiveConnections();
        await events.NextAsync<SpeechError>(e => e.Fatal);

        await session.SendAudioAsync(new byte[160], TestTimeout).DefaultTimeout();
        await session.FinalizeAsync(TestTimeout).DefaultTimeout();

        Assert.Equal(1, Emulator.ConnectionsAccepted);
    }
}
