using Microsoft.Extensions.Configuration;
using VoiceAgent.Hosting;

namespace VoiceAgent.Tests.Hosting;

/// <summary><c>RECORDING_STORE</c> and its S3 settings: parsed once with the other settings and refused at start-up when incomplete.</summary>
public sealed class RecordingStoreSettingsTests
{
    private static VoiceAgentSettings From(params (string Key, string Value)[] values)
        => VoiceAgentSettings.From(new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build());

    [Fact]
    public void The_default_store_is_the_local_folder()
    {
        var settings = From();
        Assert.Equal(RecordingStoreKind.Local, settings.Controls.RecordingStorage.Store);
        Assert.Equal(TimeSpan.FromSeconds(20), settings.Controls.PaymentHandlerTimeout);
        Assert.Empty(settings.Validate());
    }

    [Fact]
    public void An_s3_store_is_read_with_every_setting()
    {
        var settings = From(("RECORDING_STORE", "S3"), ("RECORDING_S3_BUCKET", "call-recordings"), ("RECORDING_S3_ENDPOINT", "http://127.0.0.1:9000"),
            ("RECORDING_S3_REGION", "eu-west-1"), ("RECORDING_S3_ACCESS_KEY_ID", "AKIAEXAMPLE"), ("RECORDING_S3_SECRET_ACCESS_KEY", "secret-value"),
            ("RECORDING_S3_FORCE_PATH_STYLE", "true"), ("RECORDING_S3_PREFIX", "tenant-a/"));
        var s3 = settings.Controls.RecordingStorage;
        Assert.Equal((RecordingStoreKind.S3, "call-recordings", "http://127.0.0.1:9000", "eu-west-1", "AKIAEXAMPLE", "secret-value", true, "tenant-a/"),
            (s3.Store, s3.S3Bucket, s3.S3Endpoint, s3.S3Region, s3.S3AccessKeyId, s3.S3SecretAccessKey, s3.S3ForcePathStyle, s3.S3Prefix));
        Assert.Empty(settings.Validate());
        Assert.DoesNotContain("secret-value", settings.Controls.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void An_s3_store_without_a_bucket_with_a_bad_endpoint_and_half_a_key_is_refused_naming_each_variable()
    {
        var errors = From(("RECORDING_STORE", "s3"), ("RECORDING_S3_ENDPOINT", "minio:9000"), ("RECORDING_S3_ACCESS_KEY_ID", "AKIAEXAMPLE")).Validate();
        Assert.Contains(errors, e => e.StartsWith("RECORDING_STORE=s3 needs RECORDING_S3_BUCKET", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("RECORDING_S3_ENDPOINT must be an http(s) URL", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("RECORDING_S3_ACCESS_KEY_ID and RECORDING_S3_SECRET_ACCESS_KEY go together", StringComparison.Ordinal));
    }

    [Fact]
    public void An_unknown_store_and_an_out_of_range_handler_timeout_are_refused()
    {
        var errors = From(("RECORDING_STORE", "gcs"), ("PAYMENT_HANDLER_TIMEOUT_MS", "0")).Validate();
        Assert.Contains(errors, e => e.StartsWith("RECORDING_STORE must be one of local, s3", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("PAYMENT_HANDLER_TIMEOUT_MS must be between 1 and 120000", StringComparison.Ordinal));
    }
}
