using VoiceAgent.Emulators.ElevenLabs;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.Providers.ElevenLabs;

public sealed class ElevenLabsTextForwardingTests
{
    private static Task<ElevenLabsEmulatorFrame> NextTextFrameAsync(ElevenLabsEmulatorSession session)
        => session.WaitForFrameAsync(f => f.Kind == ElevenLabsEmulatorFrameKind.Text, CancellationToken.None).DefaultTimeout();

    [Fact]
    public async Task EachWordReachesTheEmulatorBeforeTheNextTokenIsSent()
    {
        await using var harness = await ElevenLabsHarness.StartAsync();
        var (stream, session) = await harness.OpenWithSessionAsync();
        await using var _ = stream;

        // LLM-style tokens: each one completes the previous word, which must be on the wire before the
        // next token is even sent (the wait below would time out if the client batched).
        await stream.SendTextAsync("Our", CancellationToken.None).DefaultTimeout();
        string[] next = [" hours", " are", " nine", " to"];
        string[] expected = ["Our ", "hours ", "are ", "nine "];
        for (var i = 0; i < next.Length; i++)
        {
            var sentAt = TimeProvider.System.GetTimestamp();
            await stream.SendTextAsync(next[i], CancellationToken.None).DefaultTimeout();
            var frame = await NextTextFrameAsync(session);
            Assert.Equal(expected[i], frame.Text);
            Assert.True(frame.ReceivedAt >= sentAt);
        }

        Assert.False(session.EndOfStreamReceived);
    }

    [Fact]
    public async Task ATokenEndingInASpaceIsForwardedOnItsOwn()
    {
        await using var harness = await ElevenLabsHarness.StartAsync();
        var (stream, session) = await harness.OpenWithSessionAsync();
        await using var _ = stream;

        await stream.SendTextAsync("Our hours are nine to five. ", CancellationToken.None).DefaultTimeout();

        Assert.Equal("Our hours are nine to five. ", (await NextTextFrameAsync(session)).Text);
    }

    [Fact]
    public async Task AWordSplitAcrossTokensIsSentWhole()
    {
        await using var harness = await ElevenLabsHarness.StartAsync();
        var (stream, session) = await harness.OpenWithSessionAsync();
        await using var _ = stream;

        await stream.SendTextAsync("Hel", CancellationToken.None).DefaultTimeout();
        await stream.SendTextAsync("lo", CancellationToken.None).DefaultTimeout();
        await stream.SendTextAsync(" there", CancellationToken.None).DefaultTimeout();

        Assert.Equal("Hello ", (await NextTextFrameAsync(session)).Text);
        Assert.DoesNotContain(session.Frames, f => f.Text is "Hel" or "lo" or "Hel " or "lo ");
    }

    [Fact]
    public async Task CompleteSendsTheHeldWordWithFlushThenEos()
    {
        await using var harness = await ElevenLabsHarness.StartAsync();
        var (stream, session) = await harness.OpenWithSessionAsync();
        await using var _ = stream;

        await ElevenLabsHarness.SpeakAsync(stream, "Anything", " else?");
        await ElevenLabsHarness.ReadAllAsync(stream).DefaultTimeout();
        await session.Ended.DefaultTimeout();

        var frames = session.Frames;
        Assert.Equal(ElevenLabsEmulatorFrameKind.EndOfStream, frames[^1].Kind);
        Assert.Equal("""{"text":""}""", frames[^1].Json);
        var flush = frames[^2];
        Assert.Equal("else? ", flush.Text);
        Assert.True(flush.Flush);
        Assert.Equal("Anything ", frames[^3].Text);
        Assert.False(frames[^3].Flush);
    }

    [Fact]
    public async Task CompleteWithNothingHeldFlushesWithASingleSpace()
    {
        await using var harness = await ElevenLabsHarness.StartAsync();
        var (stream, session) = await harness.OpenWithSessionAsync();
        await using var _ = stream;

        await ElevenLabsHarness.SpeakAsync(stream, "Goodbye. ");
        await ElevenLabsHarness.ReadAllAsync(stream).DefaultTimeout();

        var flush = session.Frames.Single(f => f.Flush);
        Assert.Equal(ElevenLabsEmulatorFrameKind.KeepAlive, flush.Kind);
        Assert.Equal("""{"text":" ","flush":true}""", flush.Json);
        Assert.Equal("Goodbye. ", session.SpokenText);
    }

    [Fact]
    public async Task StreamEndsOnIsFinalAndTheServerClosesNormally()
    {
        await using var harness = await ElevenLabsHarness.StartAsync();
        var (stream, session) = await harness.OpenWithSessionAsync();

        await ElevenLabsHarness.SpeakAsync(stream, "Sure", ",", " go", " ahead.");
        var chunks = await ElevenLabsHarness.ReadAllAsync(stream).DefaultTimeout();
        await stream.DisposeAsync().DefaultTimeout();
        await session.Ended.DefaultTimeout();

        Assert.NotEmpty(chunks);
        Assert.True(session.FinalSent);
        Assert.Equal(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, session.ServerCloseStatus);
        Assert.False(session.ClientClosedEarly);
    }

    [Fact]
    public async Task SnakeCaseIsFinalAlsoEndsTheStream()
    {
        await using var harness = await ElevenLabsHarness.StartAsync(new ElevenLabsEmulatorBehavior { ApiKey = ElevenLabsHarness.ApiKey, SnakeCaseFinalFlag = true });
        var (stream, session) = await harness.OpenWithSessionAsync();
        await using var _ = stream;

        await ElevenLabsHarness.SpeakAsync(stream, "Okay.");
        var chunks = await ElevenLabsHarness.ReadAllAsync(stream).DefaultTimeout();

        Assert.NotEmpty(chunks);
        Assert.True(session.FinalSent);
    }

    [Fact]
    public async Task SendingAfterCompleteIsRefused()
    {
        await using var harness = await ElevenLabsHarness.StartAsync();
        await using var stream = await harness.OpenAsync();

        await ElevenLabsHarness.SpeakAsync(stream, "Done.");

        await Assert.ThrowsAsync<InvalidOperationException>(() => stream.SendTextAsync("more ", CancellationToken.None).AsTask()).DefaultTimeout();
    }

    [Fact]
    public async Task CompletingAnEmptyReplyEndsWithoutAudio()
    {
        await using var harness = await ElevenLabsHarness.StartAsync();
        var (stream, session) = await harness.OpenWithSessionAsync();
        await using var _ = stream;

        await stream.CompleteAsync(CancellationToken.None).DefaultTimeout();
        var chunks = await ElevenLabsHarness.ReadAllAsync(stream).DefaultTimeout();

        Assert.Empty(chunks);
        Assert.True(session.FinalSent);
        Assert.Empty(session.Generations);
    }

    [Fact]
    public async Task ACancelledSendEndsTheStreamLikeABargeIn()
    {
        await using var harness = await ElevenLabsHarness.StartAsync();
        var (stream, session) = await harness.OpenWithSessionAsync();
        await using var _ = stream;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => stream.SendTextAsync("Hello there. ", new CancellationToken(canceled: true)).AsTask()).DefaultTimeout();
        var chunks = await ElevenLabsHarness.ReadAllAsync(stream).DefaultTimeout();
        await session.Ended.DefaultTimeout();

        Assert.Empty(chunks);
        Assert.True(session.ClientClosedEarly);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => stream.SendTextAsync("More. ", CancellationToken.None).AsTask()).DefaultTimeout();
    }
}
