using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using VoiceAgent.Hosting;

namespace VoiceAgent.Storage.Recordings;

/// <summary>
/// Recordings in an S3-compatible bucket (<c>RECORDING_STORE=s3</c>): AWS S3 itself, or any server speaking its API
/// at <c>RECORDING_S3_ENDPOINT</c> (MinIO, Ceph, … usually with path-style addressing). The objects are the same sealed
/// blobs and metadata as the local folder holds: the bucket never sees plaintext audio, whatever its own encryption.
/// Checksums are sent only where the API requires them and payloads are not sent chunked, which plain
/// S3-compatible servers accept as well as AWS does.
/// </summary>
internal sealed class S3RecordingStore : IRecordingStore, IDisposable
{
    private readonly AmazonS3Client _client;
    private readonly string _bucket;
    private readonly string _prefix;

    public S3RecordingStore(RecordingStoreSettings settings)
    {
        var config = new AmazonS3Config
        {
            ForcePathStyle = settings.S3ForcePathStyle,
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            Timeout = TimeSpan.FromSeconds(60),
            MaxErrorRetry = 2,
        };
        if (settings.S3Endpoint is { } endpoint)
        {
            config.ServiceURL = endpoint;
            config.AuthenticationRegion = settings.S3Region;
        }
        else
        {
            config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(settings.S3Region);
        }
        _client = settings.S3AccessKeyId is { } key && settings.S3SecretAccessKey is { } secret
            ? new AmazonS3Client(new BasicAWSCredentials(key, secret), config)
            : new AmazonS3Client(config); // the SDK's default chain: environment, profile, instance or task role
        _bucket = settings.S3Bucket!;
        _prefix = settings.S3Prefix;
        Describe = $"s3 bucket {_bucket}{(settings.S3Endpoint is { } e ? " at " + new Uri(e).GetLeftPart(UriPartial.Authority) : "")}, prefix '{_prefix}'";
    }

    public string Describe { get; }

    public async Task PutAsync(string name, byte[] data, CancellationToken cancellationToken)
    {
        using var body = new MemoryStream(data, writable: false);
        await _client.PutObjectAsync(new PutObjectRequest
        {
            BucketName = _bucket,
            Key = Key(name),
            InputStream = body,
            ContentType = "application/octet-stream",
            UseChunkEncoding = false,
        }, cancellationToken);
    }

    public async Task<byte[]?> GetAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await _client.GetObjectAsync(new GetObjectRequest { BucketName = _bucket, Key = Key(name) }, cancellationToken);
            using var copy = new MemoryStream();
            await response.ResponseStream.CopyToAsync(copy, cancellationToken);
            return copy.ToArray();
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public Task DeleteAsync(string name, CancellationToken cancellationToken)
        => _client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = _bucket, Key = Key(name) }, cancellationToken);

    public void Dispose() => _client.Dispose();

    private string Key(string name) => _prefix + RecordingNames.CheckSafe(name);
}
