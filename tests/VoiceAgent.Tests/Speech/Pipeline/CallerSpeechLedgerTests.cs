using VoiceAgent.Speech.Pipeline;

namespace VoiceAgent.Tests.Speech.Pipeline;

/// <summary>
/// Whether the echo-guarded detector heard the caller in the utterance being flushed (the echo-bleed evidence), frame by
/// frame as the pipeline feeds it: no sockets, no clock.
/// </summary>
public sealed class CallerSpeechLedgerTests
{
    [Fact]
    public void An_utterance_the_detector_heard_the_caller_speak_counts_as_caller_speech()
    {
        var ledger = new CallerSpeechLedger();
        ledger.SpeechStarted();
        Frames(ledger, voiced: true, count: 40);
        Frames(ledger, voiced: false, count: 10);

        Assert.True(ledger.Flush());
    }

    [Fact]
    public void Speech_heard_before_the_echo_canceller_found_an_echo_path_is_not_caller_speech()
    {
        // The line starts echoing mid-reply: the detector takes the first few hundred ms of echo for the caller, then the
        // canceller suspects the path and cancels it. STT's transcript of that echo must be judged echo bleed, not a turn.
        var ledger = new CallerSpeechLedger();
        ledger.SpeechStarted();
        Frames(ledger, voiced: true, count: 12);
        ledger.EchoPathChanged();
        Frames(ledger, voiced: false, count: 30); // cancelled: nothing voiced after it

        Assert.False(ledger.Flush());
    }

    [Fact]
    public void A_caller_who_keeps_talking_after_an_echo_path_was_found_is_still_heard()
    {
        var ledger = new CallerSpeechLedger();
        ledger.SpeechStarted();
        Frames(ledger, voiced: true, count: 12);
        ledger.EchoPathChanged();
        Frames(ledger, voiced: true, count: 20);

        Assert.True(ledger.Flush());
    }

    [Fact]
    public void The_next_utterance_is_not_credited_with_the_hang_over_of_the_previous_one()
    {
        // The caller's question ends, the detector is still in its hang-over (speaking, but no frame is voiced) when STT's
        // final arrives; then the agent replies and STT transcribes the reply's echo, which the detector never took for
        // the caller. The echo's utterance must not count as caller speech, or it passes as a turn and cuts the agent off.
        var ledger = new CallerSpeechLedger();
        ledger.SpeechStarted();
        Frames(ledger, voiced: true, count: 40);
        Frames(ledger, voiced: false, count: 5); // hang-over: the detector still says "speaking"
        Assert.True(ledger.Flush());

        Frames(ledger, voiced: false, count: 200); // the agent talks; its echo is on the line, not caller speech

        Assert.False(ledger.Flush());
    }

    [Fact]
    public void A_caller_still_talking_when_an_utterance_is_flushed_is_heard_in_the_next_one()
    {
        var ledger = new CallerSpeechLedger();
        ledger.SpeechStarted();
        Frames(ledger, voiced: true, count: 40);
        Assert.True(ledger.Flush());

        Assert.True(ledger.Flush());
    }

    [Fact]
    public void Caller_speech_resuming_after_a_flush_without_a_new_onset_is_heard_in_the_next_utterance()
    {
        var ledger = new CallerSpeechLedger();
        ledger.SpeechStarted();
        Frames(ledger, voiced: true, count: 40);
        Frames(ledger, voiced: false, count: 5);
        Assert.True(ledger.Flush());

        Frames(ledger, voiced: true, count: 10); // same detector segment: no new onset event

        Assert.True(ledger.Flush());
    }

    [Fact]
    public void Without_any_caller_speech_an_utterance_is_not_caller_speech()
    {
        var ledger = new CallerSpeechLedger();
        Frames(ledger, voiced: false, count: 100);

        Assert.False(ledger.Flush());
    }

    private static void Frames(CallerSpeechLedger ledger, bool voiced, int count)
    {
        for (var i = 0; i < count; i++) ledger.Frame(voiced);
    }
}
