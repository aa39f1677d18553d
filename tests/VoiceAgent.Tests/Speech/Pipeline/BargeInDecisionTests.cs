using VoiceAgent.Speech.Pipeline;

namespace VoiceAgent.Tests.Speech.Pipeline;

/// <summary>The barge-in rules, frame by frame in audio time (ticks of a 1 MHz clock; no sockets, no wall clock).</summary>
public sealed class BargeInDecisionTests
{
    private const long Frequency = 1_000_000;
    private static long Ms(int ms) => (10_000 + ms) * Frequency / 1000; // audio time since the call began, 10 s in
    private static BargeInDecision Decision() => new(TimeSpan.FromMilliseconds(400), Frequency);

    [Fact]
    public void Caller_speech_over_the_agent_becomes_a_barge_in_once_it_has_lasted_the_minimum_from_its_onset()
    {
        var decision = Decision();
        decision.SpeechStarted(onsetAt: Ms(1000));

        Assert.False(decision.Frame(Ms(1380), callerSpeaking: true, agentSpeaking: true));
        Assert.True(decision.Frame(Ms(1400), callerSpeaking: true, agentSpeaking: true));
        Assert.True(decision.Pending);
    }

    [Fact]
    public void A_barge_in_fires_once_per_onset()
    {
        var decision = Decision();
        decision.SpeechStarted(Ms(0));
        Assert.True(decision.Frame(Ms(400), true, true));

        Assert.False(decision.Frame(Ms(420), true, true));
    }

    [Fact]
    public void Speech_that_ends_before_the_minimum_is_a_blip_not_a_barge_in()
    {
        var decision = Decision();
        decision.SpeechStarted(Ms(0));
        Assert.False(decision.Frame(Ms(200), true, true));
        decision.SpeechEnded();

        Assert.False(decision.Frame(Ms(500), true, true));
    }

    [Fact]
    public void Caller_speech_while_the_agent_is_silent_is_a_turn_not_a_barge_in_even_if_the_agent_starts_later()
    {
        var decision = Decision();
        decision.SpeechStarted(Ms(0));
        Assert.False(decision.Frame(Ms(400), callerSpeaking: true, agentSpeaking: false));

        Assert.False(decision.Frame(Ms(600), callerSpeaking: true, agentSpeaking: true));
    }

    [Fact]
    public void A_barge_in_without_words_by_the_end_of_the_confirmation_is_a_false_interruption()
    {
        var decision = Decision();
        decision.SpeechStarted(Ms(0));
        decision.Frame(Ms(400), true, true);

        Assert.True(decision.SpeechEnded()); // start the confirmation timer
        Assert.True(decision.ConfirmationElapsed(callerSpeaking: false));
        Assert.False(decision.Pending);
    }

    [Fact]
    public void Words_from_stt_make_a_barge_in_real()
    {
        var decision = Decision();
        decision.SpeechStarted(Ms(0));
        decision.Frame(Ms(400), true, true);
        decision.Words();

        Assert.False(decision.SpeechEnded());
        Assert.False(decision.ConfirmationElapsed(callerSpeaking: false));
    }

    [Fact]
    public void A_caller_still_talking_when_the_confirmation_elapses_is_not_a_false_interruption()
    {
        var decision = Decision();
        decision.SpeechStarted(Ms(0));
        decision.Frame(Ms(400), true, true);
        decision.SpeechEnded();

        Assert.False(decision.ConfirmationElapsed(callerSpeaking: true));
        Assert.True(decision.Pending);
    }

    [Fact]
    public void Speech_ending_without_a_barge_in_starts_no_confirmation()
    {
        var decision = Decision();
        decision.SpeechStarted(Ms(0));

        Assert.False(decision.SpeechEnded());
    }

    [Fact]
    public void A_newly_found_echo_path_restarts_the_clock_of_speech_that_began_before_it()
    {
        var decision = Decision();
        decision.SpeechStarted(Ms(0)); // echo, heard before the canceller had found it
        decision.EchoPathChanged(Ms(200));

        for (var t = 220; t < 600; t += 20) Assert.False(decision.Frame(Ms(t), true, true)); // the clock starts at 200
        Assert.True(decision.Frame(Ms(600), true, true));
    }

    [Fact]
    public void After_a_new_echo_path_the_clock_restarts_at_the_next_voiced_frame_not_across_the_detectors_hang_over()
    {
        var decision = Decision();
        decision.SpeechStarted(Ms(0)); // echo, heard before the canceller had found it
        decision.EchoPathChanged(Ms(200));
        Assert.False(decision.Frame(Ms(220), false, true)); // cancelled: no evidence of its own, only the hang-over
        Assert.False(decision.Frame(Ms(500), false, true));

        for (var t = 620; t < 1000; t += 20) Assert.False(decision.Frame(Ms(t), true, true)); // its clock starts at 600
        Assert.True(decision.Frame(Ms(1000), true, true));
    }

    [Fact]
    public void After_a_new_echo_path_a_lone_voiced_frame_does_not_carry_the_clock_across_a_gap()
    {
        var decision = Decision();
        decision.SpeechStarted(Ms(0));
        decision.EchoPathChanged(Ms(200));
        Assert.False(decision.Frame(Ms(300), true, true)); // a blip of echo: the clock starts at 280
        Assert.False(decision.Frame(Ms(700), true, true)); // 400 ms later, but nothing voiced in between: starts again at 680

        for (var t = 720; t < 1080; t += 20) Assert.False(decision.Frame(Ms(t), true, true));
        Assert.True(decision.Frame(Ms(1080), true, true));
    }

    [Fact]
    public void Speech_confirmed_after_a_new_echo_path_is_dated_no_earlier_than_the_path()
    {
        var decision = Decision();
        decision.EchoPathChanged(Ms(300));
        decision.SpeechStarted(Ms(100)); // the detector dates the onset back before the path was found

        Assert.False(decision.Frame(Ms(500), true, true));
        Assert.True(decision.Frame(Ms(700), true, true));
    }

    [Fact]
    public void Frames_while_the_echo_is_unresolved_are_no_evidence_and_the_clock_restarts_after_them()
    {
        var decision = Decision();
        decision.SpeechStarted(Ms(0));
        for (var ms = 20; ms <= 600; ms += 20) Assert.False(decision.Frame(Ms(ms), true, true, echoUnresolved: true));

        // Resolved at 620 ms: the caller's speech counts from its first voiced frame after that.
        for (var ms = 620; ms < 1000; ms += 20) Assert.False(decision.Frame(Ms(ms), true, true));
        Assert.True(decision.Frame(Ms(1000), true, true));
    }
}
