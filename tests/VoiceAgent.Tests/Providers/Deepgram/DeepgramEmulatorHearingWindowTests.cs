using VoiceAgent.Speech;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.Providers.Deepgram;

/// <summary>
/// The emulator's script keyed by when the audio arrived (<c>HearWhile</c>): what it hears while a window is open does
/// not depend on how many segments its endpointing makes, and the queued transcripts wait for the audio after it.
/// </summary>
public sealed class DeepgramEmulatorHearingWindowTests : DeepgramEmulatorTestBase
{
    private static readonly TimeSpan Speech = TimeSpan.FromSeconds(0.6);
    private static readonly TimeSpan Endpoint = TimeSpan.FromSeconds(0.8); // past the client's 300 ms endpointing

    [Fact]
    public async Task Every_segment_that_starts_while_a_window_is_open_is_heard_as_its_words_and_the_queue_waits()
    {
        Emulator.EnqueueTranscript("What are your opening hours?");
        await using var session = await ConnectAsync();
        await using var events = new SpeechEventReader(session);

        using (Emulator.HearWhile("about the weather and the trains"))
        {
            for (var segment = 0; segment < 3; segment++)
                Assert.Equal("about the weather and the trains", await SayAsync(session, events));
            Assert.Equal(1, Emulator.PendingTranscripts);
        }

        Assert.Equal("What are your opening hours?", await SayAsync(session, events));
        Assert.Equal(0, Emulator.PendingTranscripts);
    }

    [Fact]
    public async Task A_segment_whose_speech_goes_on_after_the_window_closed_is_heard_as_the_next_queued_words()
    {
        Emulator.EnqueueTranscript("Stop, that is enough thank you.");
        await using var session = await ConnectAsync();
        await using var events = new SpeechEventReader(session);
        var before = TestAudio.MuLawUtterance(TimeSpan.FromSeconds(0.2), Speech, TimeSpan.Zero);

        using (Emulator.HearWhile("about the weather and the trains"))
        {
            await SendInFramesAsync(session, before);
            await WaitForEmulatorAsync(e => e.Connections.Sum(c => c.AudioBytesReceived) >= before.Length);
            await events.NextAsync<SpeechStartedDetected>();
        }
        await SendInFramesAsync(session, TestAudio.MuLawUtterance(TimeSpan.Zero, Speech, Endpoint)); // the same segment goes on

        var heard = await events.NextAsync<TranscriptReceived>(t => t.SpeechFinal);
        Assert.Equal("Stop, that is enough thank you.", heard.Text);
        Assert.Equal(0, Emulator.PendingTranscripts);
    }

    [Fact]
    public async Task Without_a_window_each_segment_takes_the_next_queued_transcript()
    {
        Emulator.EnqueueTranscript("First.");
        Emulator.EnqueueTranscript("Second.");
        await using var session = await ConnectAsync();
        await using var events = new SpeechEventReader(session);

        var first = await SayAsync(session, events);
        var second = await SayAsync(session, events);

        Assert.Equal(("First.", "Second."), (first, second));
    }

    /// <summary>One spoken segment (silence, speech, an endpoint's quiet); what the emulator heard in it.</summary>
    private async Task<string> SayAsync(ISpeechToTextSession session, SpeechEventReader events)
    {
        await SendInFramesAsync(session, TestAudio.MuLawUtterance(TimeSpan.FromSeconds(0.2), Speech, Endpoint));
        return (await events.NextAsync<TranscriptReceived>(t => t.SpeechFinal)).Text;
    }
}
