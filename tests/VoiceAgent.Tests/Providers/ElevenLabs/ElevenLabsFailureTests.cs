using System.Net.WebSockets;
using VoiceAgent.Emulators.ElevenLabs;
using VoiceAgent.Providers.ElevenLabs;
using VoiceAgent.Speech;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.Providers.ElevenLabs;

public sealed class ElevenLabsFailureTests
{
    private static readonly string[] LongReply =
        ["Let", " me", " read", " you", " the", " full", " list", " of", " our", " opening", " hours", " for", " every", " branch", " in", " town", "."];

    private static ElevenLabsEmulatorBehavior Behavior(Func<ElevenLabsEmulatorBehavior, ElevenLabsEmulatorBehavior> change)
        => change(new ElevenLabsEmulatorBehavior { ApiKey = ElevenLabsHarness.ApiKey });

    private static async Task<(List<SpeechAudioChunk> Chunks, ElevenLabsException Error)> ReadUntilFailureAsync(ITextToSpeechStream stream)
    {
        var chunks = new List<SpeechAudioChunk>();
        var error = await Assert.ThrowsAsync<ElevenLabsException>(async () =>
        {
            await foreach (var chunk in stream.ReadAudioAsync(CancellationToken.None)) chunks.Add(chunk);
        }).DefaultTimeout();
        return (chunks, error);
    }

    [Fact]
    public async Task DisposingMidStreamClosesTheSocketAndTheEmulatorRecordsAnEarlyClose()
    {
        // Real-time generation of ten repeats: the reply would take far longer to finish than the 30 s hang guard,
        // so "no final was sent" cannot depend on how fast the machine disposes.
        await using var harness = await ElevenLabsHarness.StartAsync(Behavior(b => b with { RealTimeFactor = 1.0 }));
        var (stream, session) = await harness.OpenWithSessionAsync();
        var firstChunk = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reading = Task.Run(async () =>
        {
            var count = 0;
            await foreach (var _ in stream.ReadAudioAsync(CancellationToken.None))
            {
                count++;
                firstChunk.TrySetResult();
            }

            return count;
        });
        await ElevenLabsHarness.SpeakAsync(stream, [.. Enumerable.Repeat(LongReply, 10).SelectMany(tokens => tokens)]);
        await firstChunk.Task.DefaultTimeout();

        await stream.DisposeAsync().DefaultTimeout();
        await reading.DefaultTimeout(); // the reader's stream ends
        await session.Ended.DefaultTimeout();

        Assert.True(session.ClientClosedEarly);
        Assert.False(session.FinalSent);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, session.ClientCloseStatus);
    }

    [Fact]
    public async Task DisposingBeforeAnyTextClosesTheStreamEarly()
    {
        await using var harness = await ElevenLabsHarness.StartAsync();
        var (stream, session) = await harness.OpenWithSessionAsync();
        await session.WaitForFrameAsync(f => f.Kind == ElevenLabsEmulatorFrameKind.Begin, CancellationToken.None).DefaultTimeout();

        await stream.DisposeAsync().DefaultTimeout();
        await session.Ended.DefaultTimeout();

        Assert.True(session.ClientClosedEarly);
        Assert.Empty(await ElevenLabsHarness.ReadAllAsync(stream).DefaultTimeout());
    }

    [Fact]
    public async Task ErrorFrameSurfacesAsATypedNonRetryableExceptionAfterTheAudioBeforeIt()
    {
        await using var harness = await ElevenLabsHarness.StartAsync(Behavior(b => b with { ErrorAfterAudioMessages = 1 }));
        await using var stream = await harness.OpenAsync();

        // On a loaded machine the error frame can arrive while tokens are still being sent; the send then fails with
        // the same typed error, and reading still yields the audio that came before it.
        try { await ElevenLabsHarness.SpeakAsync(stream, LongReply); }
        catch (ElevenLabsException sendError) { Assert.Equal("max_active_conversations", sendError.ErrorCode); }
        var (chunks, error) = await ReadUntilFailureAsync(stream);

        Assert.Single(chunks);
        Assert.Equal(ElevenLabsFailureKind.ServerError, error.Kind);
        Assert.Equal("max_active_conversations", error.ErrorCode);
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, error.CloseStatus);
        Assert.False(error.Retryable);
    }

    [Fact]
    public async Task DroppedSocketSurfacesAsATypedRetryableException()
    {
        await using var harness = await ElevenLabsHarness.StartAsync(Behavior(b => b with { DropConnectionAfterAudioMessages = 2 }));
        var (stream, session) = await harness.OpenWithSessionAsync();
        await using var _ = stream;

        await ElevenLabsHarness.SpeakAsync(stream, LongReply);
        var (chunks, error) = await ReadUntilFailureAsync(stream);

        Assert.True(session.DroppedByEmulator);
        Assert.Equal(2, chunks.Count);
        Assert.Equal(ElevenLabsFailureKind.ConnectionLost, error.Kind);
        Assert.True(error.Retryable);
    }

    [Fact]
    public async Task SendingOnADroppedStreamThrowsTheTypedException()
    {
        await using var harness = await ElevenLabsHarness.StartAsync(Behavior(b => b with { DropConnectionAfterAudioMessages = 0 }));
        await using var stream = await harness.OpenAsync();
        var (_, readError) = await ReadUntilFailureAsync(stream);

        var sendError = await Assert.ThrowsAsync<ElevenLabsException>(() => stream.SendTextAsync("Hello ", CancellationToken.None).AsTask()).DefaultTimeout();

        Assert.Same(readError, sendError);
        Assert.True(sendError.Retryable);
    }

    [Theory]
    [InlineData(401, false)]
    [InlineData(404, false)]
    [InlineData(429, true)]
    [InlineData(503, true)]
    public async Task RejectedUpgradeSurfacesAsAHandshakeFailure(int status, bool retryable)
    {
        await using var harness = await ElevenLabsHarness.StartAsync(Behavior(b => b with { RejectUpgradeWithStatus = status }));

        var error = await Assert.ThrowsAsync<ElevenLabsException>(() => harness.OpenAsync());

        Assert.Equal(ElevenLabsFailureKind.HandshakeRejected, error.Kind);
        Assert.Equal(status, error.HttpStatusCode);
        Assert.Equal(retryable, error.Retryable);
    }

    [Fact]
    public async Task WrongApiKeyIsAnsweredWithAnErrorFrameAndClose1008()
    {
        await using var harness = await ElevenLabsHarness.StartAsync(configure: o => o with { ApiKey = "not-the-key" });
        var (stream, session) = await harness.OpenWithSessionAsync();
        await using var _ = stream;

        var (chunks, error) = await ReadUntilFailureAsync(stream);
        await session.Ended.DefaultTimeout();

        Assert.Empty(chunks);
        Assert.Equal("invalid_api_key", error.ErrorCode);
        Assert.False(error.Retryable);
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, session.ServerCloseStatus);
    }

    [Fact]
    public async Task UnreachableServerSurfacesAsARetryableConnectFailure()
    {
        var emulator = new ElevenLabsEmulator();
        await emulator.StartAsync().DefaultTimeout();
        var closedPort = emulator.WebSocketBaseUrl;
        await emulator.DisposeAsync();
        var client = ElevenLabsTextToSpeechFactory.Create(new ElevenLabsOptions { ApiKey = "k", VoiceId = "v", BaseUrl = closedPort });

        var error = await Assert.ThrowsAsync<ElevenLabsException>(
            () => client.OpenAsync(new TextToSpeechStreamOptions("v", ElevenLabsOutputFormats.MuLaw8000), CancellationToken.None).AsTask()).DefaultTimeout();

        Assert.Equal(ElevenLabsFailureKind.ConnectFailed, error.Kind);
        Assert.True(error.Retryable);
    }

    [Fact]
    public async Task InactivityTimeoutSurfacesAsARetryableServerError()
    {
        await using var harness = await ElevenLabsHarness.StartAsync(configure: o => o with { InactivityTimeoutSeconds = 1 });
        await using var stream = await harness.OpenAsync();

        var (_, error) = await ReadUntilFailureAsync(stream);

        Assert.Equal(ElevenLabsFailureKind.ServerError, error.Kind);
        Assert.Equal("input_timeout_exceeded", error.ErrorCode);
        Assert.True(error.Retryable);
    }
}
