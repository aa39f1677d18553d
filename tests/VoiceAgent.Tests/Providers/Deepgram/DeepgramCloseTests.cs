using System.Net.WebSockets;
using VoiceAgent.Speech;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.Providers.Deepgram;

/// <summary>Ending a session: CloseStream, the remaining results, the close handshake.</summary>
public sealed class DeepgramCloseTests : DeepgramEmulatorTestBase
{
    [Fact]
    public async Task DisposeSendsCloseStreamAndCompletesTheCloseHandshake()
    {
        var session = await ConnectAsync();
        await using var events = new SpeechEventReader(session);

        await session.DisposeAsync().DefaultTimeout();

        await WaitForEmulatorAsync(e => e.Connections[0].Ended);
        var connection = Assert.Single(Emulator.Connections);
        Assert.Equal(1, connection.CloseStreamsReceived);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, connection.ServerCloseStatus);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, connection.ClientCloseStatus);
        Assert.False(connection.Aborted);
        await events.ReadToEndAsync();
        Assert.Empty(events.Seen);
    }

    [Fact]
    public async Task DisposeDeliversTheFinalForSpeechStillInProgress()
    {
        Emulator.EnqueueTranscript("goodbye then");
        var session = await ConnectAsync();
        await using var events = new SpeechEventReader(session);
        await SendInFramesAsync(session, TestAudio.MuLawUtterance(TimeSpan.FromSeconds(0.2), TimeSpan.FromSeconds(0.6), TimeSpan.Zero));

        await session.DisposeAsync().DefaultTimeout();

        await events.ReadToEndAsync();
        var final = Assert.Single(events.Seen.OfType<TranscriptReceived>());
        Assert.Equal("goodbye then", final.Text);
        Assert.True(final.IsFinal);
    }

    [Fact]
    public async Task SendAfterDisposeThrows()
    {
        var session = await ConnectAsync();
        await session.DisposeAsync().DefaultTimeout();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => session.SendAudioAsync(new byte[160], TestTimeout).AsTask());
    }
}
