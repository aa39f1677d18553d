using VoiceAgent.Providers.Anthropic;

namespace VoiceAgent.Tests.Providers.Anthropic;

public sealed class AnthropicModelOptionsTests
{
    [Fact]
    public void DefaultsSuitALiveCall()
    {
        var options = new AnthropicModelOptions { ApiKey = "k" };

        Assert.Empty(options.Validate());
        Assert.Equal((new Uri("https://api.anthropic.com"), "claude-haiku-4-5", 300, 0), (options.BaseUrl, options.Model, options.MaxTokens, options.MaxRetries));
    }

    [Fact]
    public void ValidateListsEveryError()
    {
        var errors = new AnthropicModelOptions { ApiKey = " ", Model = "", MaxTokens = 0, MaxRetries = -1, Timeout = TimeSpan.Zero }.Validate();

        Assert.Equal(5, errors.Count);
        Assert.Contains(errors, e => e.StartsWith("ApiKey", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Model", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("MaxTokens", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("MaxRetries", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Timeout", StringComparison.Ordinal));
    }

    [Fact]
    public void BaseUrlEndingInV1IsRejectedWithAHint()
    {
        var error = Assert.Single(new AnthropicModelOptions { ApiKey = "k", BaseUrl = new Uri("https://api.anthropic.com/v1") }.Validate());

        Assert.Contains("origin only", error, StringComparison.Ordinal);
    }

    [Fact]
    public void FactoryRefusesInvalidOptions()
    {
        var ex = Assert.Throws<ArgumentException>(() => AnthropicChatClientFactory.Create(new AnthropicModelOptions()));

        Assert.Contains("ApiKey", ex.Message, StringComparison.Ordinal);
    }
}
