namespace VoiceAgent.Hosting;

/// <summary>Where fetched call recordings are kept (sealed either way).</summary>
public enum RecordingStoreKind
{
    /// <summary><c>DATA_DIR/recordings</c>.</summary>
    Local,
    /// <summary>An S3-compatible bucket.</summary>
    S3,
}

/// <summary>
/// <c>RECORDING_STORE</c> and the S3 settings it needs: read once at start-up with the other settings, validated
/// there (a bucket, a well-formed endpoint, both parts of a key or neither).
/// </summary>
public sealed record RecordingStoreSettings
{
    public RecordingStoreKind Store { get; init; } = RecordingStoreKind.Local;
    public string? S3Bucket { get; init; }
    /// <summary>An S3-compatible server's URL; unset: AWS S3 in <see cref="S3Region"/>.</summary>
    public string? S3Endpoint { get; init; }
    public string S3Region { get; init; } = "us-east-1";
    /// <summary>Unset (with the secret): the AWS SDK's default credential chain.</summary>
    public string? S3AccessKeyId { get; init; }
    public string? S3SecretAccessKey { get; init; }
    /// <summary><c>host/bucket/key</c> rather than <c>bucket.host/key</c>; most S3-compatible servers need it.</summary>
    public bool S3ForcePathStyle { get; init; }
    /// <summary>Prepended to every object name.</summary>
    public string S3Prefix { get; init; } = "recordings/";

    internal static RecordingStoreSettings From(SettingReader r)
    {
        var d = new RecordingStoreSettings();
        return new RecordingStoreSettings
        {
            // Not SettingReader.Choice: it refuses names with digits, and "s3" is the name everyone uses.
            Store = StoreNamed(r.String("RECORDING_STORE")) ?? d.Store,
            UnknownStore = r.String("RECORDING_STORE") is { } named && StoreNamed(named) is null ? named : null,
            S3Bucket = r.String("RECORDING_S3_BUCKET"),
            S3Endpoint = r.String("RECORDING_S3_ENDPOINT"),
            S3Region = r.String("RECORDING_S3_REGION") ?? d.S3Region,
            S3AccessKeyId = r.String("RECORDING_S3_ACCESS_KEY_ID"),
            S3SecretAccessKey = r.String("RECORDING_S3_SECRET_ACCESS_KEY"),
            S3ForcePathStyle = r.Bool("RECORDING_S3_FORCE_PATH_STYLE", d.S3ForcePathStyle),
            S3Prefix = r.String("RECORDING_S3_PREFIX") ?? d.S3Prefix,
        };
    }

    /// <summary>A <c>RECORDING_STORE</c> value that names no store (reported by <see cref="Validate"/>).</summary>
    internal string? UnknownStore { get; init; }

    private static RecordingStoreKind? StoreNamed(string? name) => name?.ToLowerInvariant() switch
    {
        "local" => RecordingStoreKind.Local,
        "s3" => RecordingStoreKind.S3,
        _ => null,
    };

    internal IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (UnknownStore is { } unknown) errors.Add($"RECORDING_STORE must be one of local, s3 (got '{unknown}').");
        if (Store != RecordingStoreKind.S3) return errors;
        if (S3Bucket is null)
            errors.Add("RECORDING_STORE=s3 needs RECORDING_S3_BUCKET (the bucket's name).");
        else if (S3Bucket.Length is < 3 or > 63 || !S3Bucket.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '.'))
            errors.Add($"RECORDING_S3_BUCKET must be a bucket name: 3 to 63 lower-case letters, digits, '-' or '.' (got '{S3Bucket}').");
        if (S3Endpoint is not null && (!Uri.TryCreate(S3Endpoint, UriKind.Absolute, out var endpoint) || endpoint.Scheme is not ("http" or "https") || endpoint.UserInfo.Length > 0))
            errors.Add($"RECORDING_S3_ENDPOINT must be an http(s) URL without credentials, e.g. https://s3.example.com:9000 (got '{S3Endpoint}').");
        if (!S3Region.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
            errors.Add($"RECORDING_S3_REGION must be a region name such as us-east-1 (got '{S3Region}').");
        if ((S3AccessKeyId is null) != (S3SecretAccessKey is null))
            errors.Add("RECORDING_S3_ACCESS_KEY_ID and RECORDING_S3_SECRET_ACCESS_KEY go together: set both, or neither to use the AWS default credential chain.");
        if (S3Prefix.Length > 0 && (S3Prefix.StartsWith('/') || !S3Prefix.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '/' or '.')))
            errors.Add($"RECORDING_S3_PREFIX must be letters, digits, '-', '_', '.' or '/', not starting with '/' (got '{S3Prefix}').");
        return errors;
    }

    /// <summary>For start-up notes; never the secret.</summary>
    public override string ToString() => Store == RecordingStoreKind.Local ? "local" : $"s3 {S3Bucket} ({S3Endpoint ?? "AWS " + S3Region})";
}
