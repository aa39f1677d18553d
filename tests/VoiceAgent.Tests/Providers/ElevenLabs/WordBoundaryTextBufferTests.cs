using VoiceAgent.Providers.ElevenLabs;

namespace VoiceAgent.Tests.Providers.ElevenLabs;

public sealed class WordBoundaryTextBufferTests
{
    [Fact]
    public void ATokenEndingInWhitespaceIsReadyAtOnce()
        => Assert.Equal("Hello there ", new WordBoundaryTextBuffer().Append("Hello there "));

    [Fact]
    public void APartialWordIsHeldUntilTheNextTokenCompletesIt()
    {
        var buffer = new WordBoundaryTextBuffer();

        Assert.Null(buffer.Append("Hel"));
        Assert.Null(buffer.Append("lo"));
        Assert.Equal("Hello ", buffer.Append(" wor"));
        Assert.Null(buffer.Append("ld"));
        Assert.Equal("world ", buffer.Drain());
    }

    [Fact]
    public void WhitespaceAloneIsNeverReadyAndStaysWithTheNextWord()
    {
        var buffer = new WordBoundaryTextBuffer();

        Assert.Null(buffer.Append(" "));
        Assert.Null(buffer.Append("\n"));
        Assert.Equal(" \nNext ", buffer.Append("Next "));
    }

    [Fact]
    public void DrainWithNothingHeldIsASingleSpace()
    {
        var buffer = new WordBoundaryTextBuffer();
        buffer.Append("   ");

        Assert.Equal(" ", buffer.Drain());
        Assert.Equal(" ", buffer.Drain());
    }

    [Fact]
    public void DrainKeepsAnExistingTrailingSpace()
    {
        var buffer = new WordBoundaryTextBuffer();

        Assert.Null(buffer.Append("five."));
        Assert.Equal("five. ", buffer.Drain());
    }

    [Fact]
    public void TextWithoutSpacesIsForwardedOnceItReachesTheHoldLimit()
    {
        var buffer = new WordBoundaryTextBuffer();
        var run = new string('x', WordBoundaryTextBuffer.MaxHeldChars - 1);

        Assert.Null(buffer.Append(run));
        Assert.Equal(run + "y", buffer.Append("y"));
    }

    [Fact]
    public void CjkPhrasePunctuationIsABoundary()
    {
        var buffer = new WordBoundaryTextBuffer();

        Assert.Equal("こんにちは。", buffer.Append("こんにちは。"));
        Assert.Null(buffer.Append("元気"));
    }
}
