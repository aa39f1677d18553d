using Microsoft.Extensions.Configuration;
using VoiceAgent.Hosting;
using VoiceAgent.Providers.Resilience;

namespace VoiceAgent.Tests.Providers.ModelHttp;

/// <summary>MODEL_HTTP_VERSION: parsed once at start-up, a bad value listed with the accepted ones.</summary>
public sealed class ModelHttpVersionSettingTests
{
    private static VoiceAgentSettings From(string? value)
        => VoiceAgentSettings.From(new ConfigurationBuilder().AddInMemoryCollection(
            value is null ? [] : [new KeyValuePair<string, string?>("MODEL_HTTP_VERSION", value)]).Build());

    [Theory]
    [InlineData(null, ModelHttpVersion.Http11)]
    [InlineData("auto", ModelHttpVersion.Auto)]
    [InlineData("1.1", ModelHttpVersion.Http11)]
    [InlineData("2", ModelHttpVersion.Http2)]
    [InlineData("AUTO", ModelHttpVersion.Auto)]
    public void Accepted_values_map_to_the_version(string? value, ModelHttpVersion expected)
    {
        var settings = From(value);

        Assert.Equal(expected, settings.ModelHttpVersion);
        Assert.DoesNotContain(settings.Validate(), e => e.Contains("MODEL_HTTP_VERSION", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("3")]
    [InlineData("2.0")]
    [InlineData("h2c")]
    public void Any_other_value_is_a_start_up_error_naming_the_accepted_ones(string value)
    {
        var error = Assert.Single(From(value).Validate(), e => e.Contains("MODEL_HTTP_VERSION", StringComparison.Ordinal));

        Assert.Equal($"MODEL_HTTP_VERSION must be auto, 1.1 or 2 (got '{value}').", error);
    }
}
