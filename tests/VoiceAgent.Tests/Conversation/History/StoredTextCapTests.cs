using Microsoft.Extensions.Configuration;
using VoiceAgent.Conversation.History;
using VoiceAgent.Hosting;

namespace VoiceAgent.Tests.Conversation.History;

/// <summary>What one stored turn keeps (HISTORY_REPLY_MAX_CHARS): whole words up to the cap, then a marker with the full length.</summary>
public sealed class StoredTextCapTests
{
    [Fact]
    public void Text_within_the_cap_is_kept_as_is()
    {
        var text = "We're open nine to five.";
        Assert.Same(text, StoredTextCap.Apply(text, 1024));
    }

    [Fact]
    public void Text_over_the_cap_keeps_whole_words_and_says_how_long_it_was()
    {
        var text = string.Join(' ', Enumerable.Range(1, 1000).Select(i => $"word{i}"));

        var kept = StoredTextCap.Apply(text, 1024);

        Assert.InRange(kept.Length, 900, 1024);
        Assert.EndsWith($" … [shortened for the record: {text.Length} characters in full]", kept, StringComparison.Ordinal);
        var words = kept[..kept.IndexOf(" …", StringComparison.Ordinal)];
        Assert.StartsWith(words + " ", text, StringComparison.Ordinal); // cut between two words, nothing changed before it
    }

    [Fact]
    public void Text_without_spaces_is_cut_at_the_cap()
    {
        var text = new string('a', 5000);

        var kept = StoredTextCap.Apply(text, 1024);

        Assert.Equal(1024, kept.Length);
        Assert.StartsWith(new string('a', 900), kept, StringComparison.Ordinal);
    }

    [Fact]
    public void The_setting_defaults_to_16384_characters()
    {
        var settings = VoiceAgentSettings.From(new ConfigurationBuilder().Build());
        Assert.Equal(16_384, settings.HistoryReplyMaxChars);
        Assert.Empty(settings.Validate());
    }

    [Theory]
    [InlineData("100")]
    [InlineData("2000000")]
    public void An_out_of_range_setting_is_refused_at_start_up(string value)
    {
        var settings = VoiceAgentSettings.From(new ConfigurationBuilder()
            .AddInMemoryCollection([new KeyValuePair<string, string?>("HISTORY_REPLY_MAX_CHARS", value)]).Build());

        Assert.Contains(settings.Validate(), e => e.StartsWith("HISTORY_REPLY_MAX_CHARS must be 1024..1048576", StringComparison.Ordinal));
    }
}
