using VoiceAgent.Conversation;
using VoiceAgent.Conversation.Escalation;

namespace VoiceAgent.Tests.Conversation;

/// <summary>The cheap scorers behind the caller-side triggers: person intent, question similarity, sentiment.</summary>
public sealed class EscalationScorerTests
{
    [Theory]
    [InlineData("Can I speak to a real person please?")]
    [InlineData("I want to talk to a human")]
    [InlineData("agent")]
    [InlineData("Representative.")]
    [InlineData("Could you connect me with someone?")]
    [InlineData("Get me a manager, now.")]
    [InlineData("Transfer me to an agent please")]
    public void A_request_for_a_person_is_recognised(string said)
        => Assert.True(PersonRequestClassifier.AsksForPerson(CallerText.Normalise(said)));

    [Theory]
    [InlineData("I don't want to talk to a person, just tell me the hours")]
    [InlineData("My agent said the policy renews in May")]
    [InlineData("What are your opening hours?")]
    [InlineData("I need to change my address")]
    [InlineData("No need to speak to anyone")]
    public void Other_utterances_are_not_a_request_for_a_person(string said)
        => Assert.False(PersonRequestClassifier.AsksForPerson(CallerText.Normalise(said)));

    [Fact]
    public void Rephrasings_of_one_question_are_similar_and_a_new_question_is_not()
    {
        static IReadOnlySet<string> W(string s) => QuestionSimilarity.ContentWords(CallerText.Normalise(s));
        Assert.True(QuestionSimilarity.Of(W("Where is my parcel?"), W("where is my parcel")) >= 0.7);
        Assert.True(QuestionSimilarity.Of(W("Where is my parcel?"), W("Where is my parcel, the one I ordered?")) >= 0.7);
        Assert.True(QuestionSimilarity.Of(W("Where is my parcel?"), W("When do you close on Sundays?")) < 0.7);
    }

    [Fact]
    public void Acknowledgements_never_count_as_a_repeated_question()
    {
        var monitor = new EscalationMonitor(new EscalationOptions());
        Assert.Null(monitor.Observe("Yes please."));
        Assert.Null(monitor.Observe("Yes please."));
        Assert.Null(monitor.Observe("Yes please."));
    }

    [Theory]
    [InlineData("You are useless and I am so angry.", -6)]
    [InlineData("This is terrible.", -3)]
    [InlineData("That's not good.", -1)]
    [InlineData("Not bad, thanks!", 2)]
    [InlineData("What time do you open?", 0)]
    public void The_lexicon_scores_the_callers_words(string said, int expected)
        => Assert.Equal(expected, SentimentScorer.Score(CallerText.Normalise(said)));

    [Fact]
    public void Sentiment_escalates_only_after_the_minimum_number_of_negative_turns()
    {
        var monitor = new EscalationMonitor(new EscalationOptions());
        Assert.Null(monitor.Observe("This is the worst, most useless, terrible service!"));
        Assert.Equal(EscalationTrigger.Sentiment, monitor.Observe("Honestly, this is ridiculous.")?.Trigger);
    }
}
