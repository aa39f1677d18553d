using Microsoft.Extensions.Options;
using VoiceAgent.Providers.Deepgram;

namespace VoiceAgent.Tests.Providers.Deepgram;

public sealed class DeepgramOptionsTests
{
    private static readonly DeepgramOptions Valid = new() { ApiKey = "dg-secret-key-123" };

    [Fact]
    public void DefaultsWithAnApiKeyAreValid()
    {
        Assert.Empty(Valid.Validate());
        Assert.Equal(new Uri("wss://api.deepgram.com"), Valid.BaseUrl);
        Assert.Equal("nova-3", Valid.Model);
        Assert.Equal("en-US", Valid.Language);
        Assert.Equal(300, Valid.EndpointingMs);
        Assert.Equal(1000, Valid.UtteranceEndMs);
        Assert.Equal(TimeSpan.FromSeconds(4), Valid.KeepAliveInterval);
    }

    [Theory]
    [InlineData(999)]
    [InlineData(500)]
    [InlineData(0)]
    public void UtteranceEndMsBelow1000FailsValidation(int utteranceEndMs)
    {
        var errors = (Valid with { UtteranceEndMs = utteranceEndMs }).Validate();

        var error = Assert.Single(errors);
        Assert.Contains("UtteranceEndMs", error, StringComparison.Ordinal);
        Assert.Contains("1000", error, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateListsEveryError()
    {
        var options = new DeepgramOptions
        {
            ApiKey = " ",
            BaseUrl = new Uri("https://api.deepgram.com/v1/listen"),
            Model = "",
            EndpointingMs = 0,
            UtteranceEndMs = 200,
            KeepAliveInterval = TimeSpan.FromSeconds(12),
            ReconnectAttempts = -1,
        };

        var errors = options.Validate();

        Assert.Equal(7, errors.Count);
        foreach (var field in new[] { "ApiKey", "BaseUrl", "Model", "EndpointingMs", "UtteranceEndMs", "KeepAliveInterval", "ReconnectAttempts" })
            Assert.Contains(errors, e => e.StartsWith(field, StringComparison.Ordinal));
    }

    [Fact]
    public void BaseUrlWithAPathFailsValidation()
    {
        var errors = (Valid with { BaseUrl = new Uri("ws://127.0.0.1:5000/v1/listen") }).Validate();

        Assert.Contains("origin", Assert.Single(errors), StringComparison.Ordinal);
    }

    [Fact]
    public void AdditionalParameterThatShadowsAnOptionFailsValidation()
    {
        var errors = (Valid with { AdditionalQueryParameters = [new("redact", "pci"), new("model", "nova-2")] }).Validate();

        Assert.Contains("'model'", Assert.Single(errors), StringComparison.Ordinal);
    }

    [Fact]
    public void FactoryRejectsInvalidOptionsWithEveryError()
    {
        var ex = Assert.Throws<OptionsValidationException>(() =>
            DeepgramSpeechToTextFactory.Create(Valid with { ApiKey = "", UtteranceEndMs = 10 }));

        Assert.Equal(2, ex.Failures.Count());
    }

    [Fact]
    public void ToStringDoesNotRevealTheApiKey()
    {
        var text = Valid.ToString();

        Assert.DoesNotContain("dg-secret-key-123", text, StringComparison.Ordinal);
        Assert.Contains("ApiKey = (set)", text, StringComparison.Ordinal);
        Assert.Contains("Model = nova-3", text, StringComparison.Ordinal);
    }
}
