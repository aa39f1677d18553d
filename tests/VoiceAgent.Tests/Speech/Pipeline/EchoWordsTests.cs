using VoiceAgent.Speech.Pipeline;

namespace VoiceAgent.Tests.Speech.Pipeline;

public sealed class EchoWordsTests
{
    private const string Agent = "Our basic plan costs ten dollars a month and includes everything you need to get started.";

    [Theory]
    [InlineData("ten dollars a month")]
    [InlineData("Costs ten dollars, a month and")]
    [InlineData("includes everything you need to get")]
    public void Words_the_agent_is_saying_are_its_own_echo(string heard) => Assert.True(EchoWords.AreAgentsOwn(heard, Agent));

    [Theory]
    [InlineData("Stop, just the basic plan please.")]
    [InlineData("What about the premium one?")]
    [InlineData("")]
    public void A_caller_using_some_of_the_same_words_is_still_the_caller(string heard) => Assert.False(EchoWords.AreAgentsOwn(heard, Agent));

    [Fact]
    public void Nothing_is_echo_when_the_agent_said_nothing() => Assert.False(EchoWords.AreAgentsOwn("hello there", ""));
}
