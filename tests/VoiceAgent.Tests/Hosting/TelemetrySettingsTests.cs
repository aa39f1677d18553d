using Microsoft.Extensions.Configuration;
using VoiceAgent.Hosting;

namespace VoiceAgent.Tests.Hosting;

/// <summary>The telemetry and cost settings: off by default, and every mistake refused at start-up with a fix.</summary>
public sealed class TelemetrySettingsTests
{
    private static VoiceAgentSettings From(params (string Key, string Value)[] values)
        => VoiceAgentSettings.From(new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build());

    [Fact]
    public void By_default_nothing_is_exported_and_the_built_in_prices_are_used()
    {
        var settings = From();
        Assert.Null(settings.OtlpEndpoint);
        Assert.False(settings.PrometheusMetrics);
        Assert.Null(settings.PricesFile);
        Assert.Empty(settings.Validate());
    }

    [Fact]
    public void A_per_signal_otlp_endpoint_alone_turns_export_on()
        => Assert.Equal("http://collector:4318/v1/traces", From(("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://collector:4318/v1/traces")).OtlpEndpoint);

    [Fact]
    public void Prometheus_without_a_metrics_token_is_refused()
    {
        var errors = From(("PROMETHEUS_METRICS", "true")).Validate();
        Assert.Contains(errors, e => e.Contains("METRICS_TOKEN must be set with PROMETHEUS_METRICS=true", StringComparison.Ordinal));
        Assert.Contains(From(("PROMETHEUS_METRICS", "true"), ("METRICS_TOKEN", "short")).Validate(), e => e.Contains("at least 16 characters", StringComparison.Ordinal));
        Assert.Empty(From(("PROMETHEUS_METRICS", "true"), ("METRICS_TOKEN", "0123456789abcdef0123")).Validate());
    }

    [Theory]
    [InlineData("collector:4318")]
    [InlineData("ftp://collector")]
    public void An_otlp_endpoint_that_is_not_an_http_url_is_refused(string endpoint)
        => Assert.Contains(From(("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint)).Validate(), e => e.Contains("OTEL_EXPORTER_OTLP_ENDPOINT must be an absolute http(s) URL", StringComparison.Ordinal));

    [Fact]
    public void A_missing_or_invalid_price_file_is_refused_with_the_reason()
    {
        Assert.Contains(From(("PRICES_FILE", "/nonexistent/prices.json")).Validate(), e => e.Contains("does not exist", StringComparison.Ordinal));
        var path = Path.GetTempFileName();
        File.WriteAllText(path, """{ "ttsPer1kCharacters": -0.1 }""");
        try
        {
            Assert.Contains(From(("PRICES_FILE", path)).Validate(), e => e.StartsWith("PRICES_FILE:", StringComparison.Ordinal) && e.Contains("must not be negative", StringComparison.Ordinal));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
