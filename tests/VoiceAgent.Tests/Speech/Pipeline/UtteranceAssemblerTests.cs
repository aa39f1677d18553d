using VoiceAgent.Speech.Pipeline;

namespace VoiceAgent.Tests.Speech.Pipeline;

public sealed class UtteranceAssemblerTests
{
    [Fact]
    public void Final_pieces_join_with_single_spaces_and_keep_the_lowest_confidence_and_the_total_duration()
    {
        var assembler = new UtteranceAssembler();
        assembler.AddFinal(" What are ", 0.9, TimeSpan.FromMilliseconds(600));
        assembler.AddFinal("your hours? ", 0.7, TimeSpan.FromMilliseconds(500));

        var utterance = assembler.Take();

        Assert.Equal("What are your hours?", utterance.Text);
        Assert.Equal(0.7, utterance.Confidence);
        Assert.Equal(TimeSpan.FromMilliseconds(1100), utterance.Duration);
    }

    [Fact]
    public void Blank_pieces_change_nothing()
    {
        var assembler = new UtteranceAssembler();
        assembler.AddFinal("  ", 0.1, TimeSpan.FromSeconds(1));

        Assert.True(assembler.IsEmpty);
        Assert.Equal(new Utterance("", 1, TimeSpan.Zero), assembler.Take());
    }

    [Fact]
    public void Taking_starts_the_next_utterance_from_nothing()
    {
        var assembler = new UtteranceAssembler();
        assembler.AddFinal("Yes.", 0.5, TimeSpan.FromMilliseconds(300));
        assembler.Take();
        assembler.AddFinal("No.", 0.95, TimeSpan.FromMilliseconds(200));

        Assert.Equal(new Utterance("No.", 0.95, TimeSpan.FromMilliseconds(200)), assembler.Take());
    }
}
