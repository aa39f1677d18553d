using System.Diagnostics;
using VoiceAgent.Speech;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.Providers.Deepgram;

/// <summary>
/// The emulator's record of its own endpointing time (what the media bench subtracts as the STT stand-in's share of a
/// turn): when the audio holding the end of the speech arrived, and when the <c>speech_final</c> went onto the wire.
/// </summary>
public sealed class DeepgramEmulatorEndpointTimesTests : DeepgramEmulatorTestBase
{
    [Fact]
    public async Task An_endpoint_is_recorded_from_the_arrival_of_the_speech_end_not_of_the_quiet_that_confirmed_it()
    {
        Emulator.EnqueueTranscript("What are your opening hours?");
        await using var session = await ConnectAsync();
        await using var events = new SpeechEventReader(session);
        var speech = TestAudio.MuLawUtterance(TimeSpan.FromSeconds(0.2), TimeSpan.FromSeconds(0.6), TimeSpan.Zero);

        await SendInFramesAsync(session, speech);
        await WaitForEmulatorAsync(e => e.Connections.Sum(c => c.AudioBytesReceived) >= speech.Length);
        var speechArrived = Stopwatch.GetTimestamp(); // every frame of the speech is in; the endpointing quiet is not
        await SendInFramesAsync(session, TestAudio.MuLawSilenceOf(TimeSpan.FromSeconds(0.6)));
        var final = await events.NextAsync<TranscriptReceived>(t => t.SpeechFinal);
        // The emulator stamps the endpoint once its send completed, which can be after the client has read the frame.
        await WaitForEmulatorAsync(e => e.Connections.Sum(c => c.Endpoints.Count) >= 1);

        var endpoint = Assert.Single(Assert.Single(Emulator.Connections).Endpoints);
        Assert.True(endpoint.SpeechEndArrivedAt <= speechArrived, "the speech's end arrived before the quiet was sent");
        Assert.True(endpoint.SentAt > speechArrived, "the speech_final went out after the quiet that confirmed it");
        Assert.True(final.SpeechFinal);
    }
}
