using Microsoft.Extensions.Logging.Abstractions;
using VoiceAgent.Conversation;
using VoiceAgent.Observability;
using VoiceAgent.Speech;
using VoiceAgent.Speech.Pipeline;
using VoiceAgent.Storage.Sessions;
using VoiceAgent.Tests.Speech.Pipeline.Fakes;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.Speech.Pipeline;

/// <summary>How an input reaches an idle pipeline's loop: handled on the poster's thread, not after a wait in the thread pool's queue.</summary>
public sealed class SpeechPipelineMailboxTests
{
    // Off the test framework's synchronization context, as in the server: a continuation that has a context to go back
    // to is posted to it, never run inline. Nothing else posts to the loop here, so it waits on its mailbox.
    [Fact]
    public Task An_stt_final_reaches_the_engine_on_the_thread_that_delivered_it_before_the_delivery_returns() => Task.Run(async () =>
    {
        var clock = new ManualTimeProvider();
        var stt = new PushedSpeechToText();
        var locales = new LocaleTable(LocaleTable.BuiltIn("voice"), "en-US");
        var pipeline = new SpeechPipeline(new RecordingCarrier(AudioFormat.MuLaw8k), stt, new ScriptedTextToSpeech(), new SpeechPipelineOptions(), locales,
            clock, new PlayoutScheduler(clock), new VoiceAgentMetrics(new TestMeterFactory()), NullLogger.Instance, "media-streams");
        string? said = null;
        var saidOn = 0;
        pipeline.Attach((e, _) =>
        {
            if (e is UserSaid { IsFinal: true } utterance)
            {
                Volatile.Write(ref said, utterance.Text);
                Volatile.Write(ref saidOn, Environment.CurrentManagedThreadId);
            }
            return ValueTask.CompletedTask;
        });
        try
        {
            await pipeline.StartAsync(new CallInfo("CA-mailbox", "+15550001111", "+15550002222", new Dictionary<string, string>()), locales.Default,
                greeting: null, SessionLookup.None, CancellationToken.None).DefaultTimeout();
            var session = await stt.Connected.DefaultTimeout();
            var deliverer = Environment.CurrentManagedThreadId;

            session.Push(new TranscriptReceived("What are your opening hours?", IsFinal: true, SpeechFinal: true, 0.95, TimeSpan.Zero, TimeSpan.FromSeconds(1.2))
                { ReceivedAt = clock.GetTimestamp() });
            var heard = Volatile.Read(ref said);
            var heardOn = Volatile.Read(ref saidOn);

            Assert.Equal("What are your opening hours?", heard);
            Assert.Equal(deliverer, heardOn);
        }
        finally
        {
            await pipeline.DisposeAsync().AsTask().DefaultTimeout();
        }
    });
}
