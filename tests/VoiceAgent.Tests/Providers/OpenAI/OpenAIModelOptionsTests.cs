using VoiceAgent.Providers.OpenAI;

namespace VoiceAgent.Tests.Providers.OpenAI;

public sealed class OpenAIModelOptionsTests
{
    [Fact]
    public void DefaultsSuitALiveCall()
    {
        var options = new OpenAIModelOptions { ApiKey = "k" };

        Assert.Empty(options.Validate());
        Assert.Equal((new Uri("https://api.openai.com/v1"), "gpt-4o", 0), (options.BaseUrl, options.Model, options.MaxRetries));
    }

    [Fact]
    public void ValidateListsEveryError()
    {
        var errors = new OpenAIModelOptions { ApiKey = "", Model = " ", MaxTokens = -5, MaxRetries = -1, NetworkTimeout = TimeSpan.Zero }.Validate();

        Assert.Equal(["ApiKey", "Model", "MaxTokens", "MaxRetries", "NetworkTimeout"], errors.Select(e => e[..e.IndexOf(' ', StringComparison.Ordinal)]));
    }

    [Fact]
    public void BaseUrlWithoutVersionPathIsRejectedWithAHint()
    {
        var error = Assert.Single(new OpenAIModelOptions { ApiKey = "k", BaseUrl = new Uri("http://localhost:11434") }.Validate());

        Assert.Contains("/v1", error, StringComparison.Ordinal);
    }

    [Fact]
    public void FactoryRefusesInvalidOptions()
    {
        var ex = Assert.Throws<ArgumentException>(() => OpenAIChatClientFactory.Create(new OpenAIModelOptions { ApiKey = "k", MaxTokens = 0 }));

        Assert.Contains("MaxTokens", ex.Message, StringComparison.Ordinal);
    }
}
