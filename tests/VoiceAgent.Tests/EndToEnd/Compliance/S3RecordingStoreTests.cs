using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.DependencyInjection;
using VoiceAgent.Emulators.Twilio.Rest;
using VoiceAgent.Storage.Recordings;
using VoiceAgent.Tests.TestSupport;
using static VoiceAgent.Tests.Storage.RecordsTestSupport;

namespace VoiceAgent.Tests.EndToEnd.Compliance;

/// <summary>
/// <c>RECORDING_STORE=s3</c> against a real S3-compatible server (s3rver, started by <c>scripts/test.sh</c> on a
/// loopback port and named by <c>VOICEAGENT_TEST_S3_URL</c>; without it these tests fail, saying so): the recording of a
/// finished call lands in the bucket as the sealed blob, never the WAV, reads back through the archive, and the
/// caller's erasure removes it.
/// </summary>
public sealed class S3RecordingStoreTests : IAsyncLifetime
{
    public const string S3UrlVariable = "VOICEAGENT_TEST_S3_URL";
    private const string From = "+18005550142";
    private readonly string _bucket = "va-test-" + Guid.NewGuid().ToString("N")[..12];
    private TwilioRestEmulator _rest = null!;
    private AmazonS3Client _s3 = null!;
    private (string Endpoint, string Key, string Secret) _server;
    private string _dataDir = null!;

    public async Task InitializeAsync()
    {
        _server = S3Server();
        _s3 = new AmazonS3Client(new BasicAWSCredentials(_server.Key, _server.Secret), new AmazonS3Config
        {
            ServiceURL = _server.Endpoint,
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        });
        await _s3.PutBucketAsync(new PutBucketRequest { BucketName = _bucket }).DefaultTimeout();
        _rest = new TwilioRestEmulator(RelayServer.AccountSid, RelayServer.AuthToken);
        await _rest.StartAsync().DefaultTimeout();
        _dataDir = Directory.CreateTempSubdirectory("voiceagent-s3-").FullName;
    }

    public async Task DisposeAsync()
    {
        await _rest.DisposeAsync();
        _s3.Dispose();
        Directory.Delete(_dataDir, recursive: true);
    }

    [Fact]
    public async Task A_fetched_recording_is_stored_sealed_in_the_bucket_reads_back_and_is_erased_with_the_caller()
    {
        await using var server = await RelayServer.StartAsync(new Dictionary<string, string?>
        {
            ["DATA_DIR"] = _dataDir,
            ["ADMIN_TOKEN"] = AdminToken,
            ["RECORDING_ENABLED"] = "true",
            ["TWILIO_API_BASE_URL"] = _rest.BaseUrl.ToString().TrimEnd('/'),
            ["RECORDING_STORE"] = "s3",
            ["RECORDING_S3_ENDPOINT"] = _server.Endpoint,
            ["RECORDING_S3_BUCKET"] = _bucket,
            ["RECORDING_S3_REGION"] = "us-east-1",
            ["RECORDING_S3_ACCESS_KEY_ID"] = _server.Key,
            ["RECORDING_S3_SECRET_ACCESS_KEY"] = _server.Secret,
            ["RECORDING_S3_FORCE_PATH_STYLE"] = "true",
        });
        await CallAndHangUpAsync(server, "Hi, I'm calling about my bill.", From);
        var archive = server.App.Services.GetRequiredService<RecordingArchive>();
        var recordingSid = await archive.Stored.ReadAsync().AsTask().DefaultTimeout(TimeSpan.FromSeconds(60));

        var objectBytes = await GetObjectAsync("recordings/" + RecordingNames.Audio(recordingSid));
        var wav = await archive.OpenAsync(recordingSid, CancellationToken.None).DefaultTimeout();
        Assert.Equal("RIFF"u8.ToArray(), wav[..4]);
        Assert.NotEqual("RIFF"u8.ToArray(), objectBytes[..4]);
        Assert.True(objectBytes.AsSpan().IndexOf(wav.AsSpan(0, 44)) < 0, "the bucket holds the plaintext WAV header");
        Assert.Contains(recordingSid, System.Text.Encoding.UTF8.GetString(await GetObjectAsync("recordings/" + RecordingNames.Meta(recordingSid))), StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_dataDir, "recordings")), "nothing is written to the local folder with RECORDING_STORE=s3");

        using var admin = Admin(server);
        using var erase = await admin.DeleteAsync($"/admin/callers/{Uri.EscapeDataString(From)}?reason=GDPR%20request").DefaultTimeout();
        erase.EnsureSuccessStatusCode();
        var left = await _s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = _bucket }).DefaultTimeout();
        Assert.Empty(left.S3Objects ?? []);
    }

    private async Task<byte[]> GetObjectAsync(string key)
    {
        using var response = await _s3.GetObjectAsync(_bucket, key).DefaultTimeout();
        using var copy = new MemoryStream();
        await response.ResponseStream.CopyToAsync(copy);
        return copy.ToArray();
    }

    /// <summary>The test server from <c>VOICEAGENT_TEST_S3_URL</c> (http://KEY:SECRET@127.0.0.1:PORT); fails with instructions when unset.</summary>
    private static (string Endpoint, string Key, string Secret) S3Server()
    {
        var url = Environment.GetEnvironmentVariable(S3UrlVariable) is { Length: > 0 } value ? new Uri(value)
            : throw new InvalidOperationException(
                $"{S3UrlVariable} is not set, so the S3 recording store cannot be tested. Run ./scripts/test.sh (it starts s3rver on a " +
                "loopback port), or point the variable at an S3-compatible server, e.g. http://S3RVER:S3RVER@127.0.0.1:4568.");
        var credentials = url.UserInfo.Split(':', 2);
        if (credentials.Length != 2) throw new InvalidOperationException($"{S3UrlVariable} must carry ACCESS_KEY:SECRET before the host.");
        return (url.GetLeftPart(UriPartial.Authority).Replace(url.UserInfo + "@", "", StringComparison.Ordinal),
            Uri.UnescapeDataString(credentials[0]), Uri.UnescapeDataString(credentials[1]));
    }
}
