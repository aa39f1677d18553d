using VoiceAgent.Conversation;

namespace VoiceAgent.Tests.Conversation;

public sealed class SpokenWordsTests
{
    [Theory]
    [InlineData("What are your opening hours?", "what are your opening hours")]
    [InlineData("  Hello,   world ", "hello world.")]
    [InlineData("", "  ?! ")]
    public void Case_punctuation_and_spacing_do_not_change_the_words(string a, string b) => Assert.True(SpokenWords.Same(a, b));

    [Theory]
    [InlineData("I would like to book", "I would like to book a table")]
    [InlineData("book it", "bookit")]
    [InlineData("two", "too")]
    [InlineData("", "hello")]
    public void Other_words_are_not_the_same(string a, string b) => Assert.False(SpokenWords.Same(a, b));
}
