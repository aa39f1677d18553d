using VoiceAgent.Speech.Pipeline;

namespace VoiceAgent.Tests.Speech.Pipeline;

public sealed class TranscriptFilterTests
{
    private static readonly SpeechPipelineOptions Options = new();

    [Fact]
    public void A_confident_sentence_is_accepted()
        => Assert.Equal(TranscriptVerdict.Accept, TranscriptFilter.Judge("What are your hours?", 0.93, null, Options));

    [Theory]
    [InlineData(0.64)]
    [InlineData(0.1)]
    public void A_final_below_the_confidence_threshold_is_dropped(double confidence)
        => Assert.Equal(TranscriptVerdict.LowConfidence, TranscriptFilter.Judge("What are your hours?", confidence, null, Options));

    [Fact]
    public void The_confidence_threshold_is_configurable()
        => Assert.Equal(TranscriptVerdict.Accept, TranscriptFilter.Judge("maybe", 0.5, null, Options with { MinTranscriptConfidence = 0.4 }));

    [Theory]
    [InlineData("Yeah.")]
    [InlineData("Mm-hmm.")]
    [InlineData("  okay ")]
    public void A_single_word_within_the_artefact_window_after_the_agent_stopped_is_dropped(string text)
        => Assert.Equal(TranscriptVerdict.SilenceArtefact, TranscriptFilter.Judge(text, 0.99, TimeSpan.FromMilliseconds(300), Options));

    [Fact]
    public void A_single_word_after_the_artefact_window_is_a_real_answer()
        => Assert.Equal(TranscriptVerdict.Accept, TranscriptFilter.Judge("Yes.", 0.99, TimeSpan.FromMilliseconds(800), Options));

    [Fact]
    public void Several_words_right_after_the_agent_stopped_are_accepted()
        => Assert.Equal(TranscriptVerdict.Accept, TranscriptFilter.Judge("Yes please.", 0.99, TimeSpan.FromMilliseconds(100), Options));

    [Fact]
    public void The_artefact_window_is_configurable()
        => Assert.Equal(TranscriptVerdict.Accept, TranscriptFilter.Judge("Yeah.", 0.99, TimeSpan.FromMilliseconds(300), Options with { ArtefactWindow = TimeSpan.FromMilliseconds(200) }));

    [Fact]
    public void Words_that_overlapped_the_agent_with_no_caller_speech_detected_are_echo_bleed()
        => Assert.Equal(TranscriptVerdict.EchoBleed, TranscriptFilter.Judge("our hours are nine to five", 0.99, null, Options, echoBleed: true));

    [Fact]
    public void An_empty_final_is_ignored()
        => Assert.Equal(TranscriptVerdict.Empty, TranscriptFilter.Judge("   ", 0.99, null, Options));
}
