using VoiceAgent.Speech.Pipeline;

namespace VoiceAgent.Tests.Speech.Pipeline;

/// <summary>When a speculative reply starts and when it goes stale, in audio time (timestamps in milliseconds).</summary>
public sealed class SpeculationDecisionTests
{
    private static SpeculationDecision Decision(SpeculationMode mode = SpeculationMode.Final, int stableMs = 250)
        => new(mode, TimeSpan.FromMilliseconds(stableMs), timestampFrequency: 1000);

    [Fact]
    public void A_final_before_the_end_of_the_turn_starts_a_speculation_once_the_caller_is_silent()
    {
        var decision = Decision();
        decision.Heard("What are your opening hours?", final: true, now: 1000);

        Assert.False(decision.ShouldStart(1000, callerSilent: false));
        Assert.True(decision.ShouldStart(1020, callerSilent: true));
        Assert.Equal("What are your opening hours?", decision.Speculated);
    }

    [Fact]
    public void A_speculation_starts_once_per_utterance()
    {
        var decision = Decision();
        decision.Heard("Hello", final: true, now: 0);
        Assert.True(decision.ShouldStart(0, callerSilent: true));

        Assert.False(decision.ShouldStart(20, callerSilent: true));
        Assert.False(decision.Waiting);
    }

    [Fact]
    public void Interim_words_never_start_a_speculation_in_final_mode()
    {
        var decision = Decision(SpeculationMode.Final);
        decision.Heard("What are your", final: false, now: 0);

        Assert.False(decision.ShouldStart(10_000, callerSilent: true));
    }

    [Fact]
    public void Interim_words_unchanged_for_the_stable_time_start_a_speculation_in_stable_mode()
    {
        var decision = Decision(SpeculationMode.Stable, stableMs: 250);
        decision.Heard("What are your", final: false, now: 1000);
        decision.Heard("what are your", final: false, now: 1100); // the same words again: the stable time runs on

        Assert.False(decision.ShouldStart(1249, callerSilent: true));
        Assert.True(decision.ShouldStart(1250, callerSilent: true));
    }

    [Fact]
    public void New_interim_words_restart_the_stable_time()
    {
        var decision = Decision(SpeculationMode.Stable, stableMs: 250);
        decision.Heard("What are", final: false, now: 1000);
        decision.Heard("What are your", final: false, now: 1200);

        Assert.False(decision.ShouldStart(1300, callerSilent: true));
        Assert.True(decision.ShouldStart(1450, callerSilent: true));
    }

    [Fact]
    public void New_words_after_a_speculation_withdraw_it()
    {
        var decision = Decision();
        decision.Heard("I would like to book", final: true, now: 0);
        Assert.True(decision.ShouldStart(0, callerSilent: true));

        Assert.Equal(SpeculationStep.Withdraw, decision.Heard("I would like to book a table", final: false, now: 500));
        Assert.Null(decision.Speculated);
    }

    [Fact]
    public void The_same_words_with_other_punctuation_keep_the_speculation()
    {
        var decision = Decision();
        decision.Heard("what are your opening hours", final: true, now: 0);
        Assert.True(decision.ShouldStart(0, callerSilent: true));

        Assert.Equal(SpeculationStep.None, decision.Heard("What are your opening hours?", final: true, now: 100));
        Assert.Equal("what are your opening hours", decision.Speculated);
    }

    [Fact]
    public void The_end_of_the_turn_hands_back_the_speculated_words_and_starts_afresh()
    {
        var decision = Decision();
        decision.Heard("Hello", final: true, now: 0);
        decision.ShouldStart(0, callerSilent: true);

        Assert.Equal("Hello", decision.TurnEnded());
        Assert.Null(decision.TurnEnded());
        Assert.False(decision.Waiting);
    }

    [Fact]
    public void Off_never_speculates()
    {
        var decision = Decision(SpeculationMode.Off);
        decision.Heard("Hello", final: true, now: 0);

        Assert.False(decision.ShouldStart(10_000, callerSilent: true));
    }

    [Fact]
    public void No_words_start_nothing()
    {
        var decision = Decision(SpeculationMode.Stable);
        decision.Heard("  ", final: true, now: 0);

        Assert.False(decision.ShouldStart(10_000, callerSilent: true));
    }
}
