using System.Diagnostics;
using VoiceAgent.Speech;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.Providers.Deepgram;

/// <summary>How a session's results reach its one reader: on the receive loop's own call, not after a thread hop.</summary>
public sealed class DeepgramEventDeliveryTests : DeepgramEmulatorTestBase
{
    [Fact]
    public async Task A_final_reaches_the_sessions_reader_inside_the_receive_loop()
    {
        Emulator.EnqueueTranscript("What are your opening hours?");
        await using var session = await ConnectAsync();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestTimeout);
        // Read off the test framework's synchronization context, as the server does: a continuation that has a context
        // to go back to is posted to it, never run inline.
        var reading = Task.Run(async () =>
        {
            await foreach (var e in session.ReadEventsAsync(stop.Token))
                if (e is TranscriptReceived { IsFinal: true }) return new StackTrace().ToString();
            return "(the stream ended before a final)";
        });

        await SendInFramesAsync(session, TestAudio.MuLawUtterance(TimeSpan.FromSeconds(0.3), TimeSpan.FromSeconds(0.8), TimeSpan.FromSeconds(1.2)));
        var stack = await reading.DefaultTimeout();
        await stop.CancelAsync();

        // The reader ran on the receive loop's stack: the final waited in no thread-pool queue on its way.
        Assert.Contains("DeepgramConnection", stack, StringComparison.Ordinal);
        Assert.Contains("ReceiveLoopAsync", stack, StringComparison.Ordinal);
    }
}
