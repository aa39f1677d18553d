using VoiceAgent.Providers.ElevenLabs;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.Providers.ElevenLabs;

/// <summary>First audio without waiting: synthesis starts at the reply's first natural phrase, not at the schedule's first threshold.</summary>
public sealed class FirstPhraseFlushTests
{
    [Theory]
    [InlineData("Sure, I can help with that. ", true)]
    [InlineData("Our opening hours, ", true)]
    [InlineData("Sure, ", false)]          // too short to be a phrase of its own
    [InlineData("Version 3.5 is out ", false)] // a decimal point is no phrase end
    [InlineData("Certainly", false)]
    public void APhraseEndsAtPunctuationBeforeWhitespaceOnceItHoldsEnoughLetters(string text, bool ends)
        => Assert.Equal(ends, new FirstPhraseDetector().EndsFirstPhrase(text));

    [Fact]
    public void OnlyTheFirstPhraseCounts()
    {
        var detector = new FirstPhraseDetector();

        Assert.False(detector.EndsFirstPhrase("Sure, "));
        Assert.True(detector.EndsFirstPhrase("I can help. "));
        Assert.False(detector.EndsFirstPhrase("Our hours are nine to five. "));
    }

    [Fact]
    public async Task TheFirstPhraseIsGeneratedAtOnceAndTheRestFollowsTheSchedule()
    {
        await using var harness = await ElevenLabsHarness.StartAsync();
        var (stream, session) = await harness.OpenWithSessionAsync();
        await using var _ = stream;

        await ElevenLabsHarness.SpeakAsync(stream, "Sure,", " I", " can", " help", " with", " that.", " Our", " hours", " are", " nine", " to", " five", " on", " weekdays", " and", " ten", " to", " two", " on", " Saturdays.");
        await ElevenLabsHarness.ReadAllAsync(stream).DefaultTimeout();
        await session.Ended.DefaultTimeout();

        Assert.True(session.Frames.Single(f => f.Text == "that. ").Flush);
        Assert.Equal("Sure, I can help with that. ", session.Generations[0]);
        // No other text frame before the final one asks for a flush: the rest is chunked by the schedule.
        Assert.Equal(2, session.Frames.Count(f => f.Flush));
        Assert.Equal("Sure, I can help with that. Our hours are nine to five on weekdays and ten to two on Saturdays. ", session.SpokenText);
    }

    [Fact]
    public async Task WithTheFlushTurnedOffTheFirstGenerationWaitsForTheSchedule()
    {
        await using var harness = await ElevenLabsHarness.StartAsync(configure: o => o with { FlushFirstPhrase = false });
        var (stream, session) = await harness.OpenWithSessionAsync();
        await using var _ = stream;

        await ElevenLabsHarness.SpeakAsync(stream, "Sure,", " I", " can", " help", " with", " that.", " Our", " hours", " are", " nine", " to", " five", " on", " weekdays", " and", " ten", " to", " two", " on", " Saturdays.");
        await ElevenLabsHarness.ReadAllAsync(stream).DefaultTimeout();
        await session.Ended.DefaultTimeout();

        Assert.False(session.Frames.Single(f => f.Text == "that. ").Flush);
        Assert.True(session.Generations[0].Length >= harness.Options.ChunkLengthSchedule[0]);
    }
}
