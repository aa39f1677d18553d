using System.Security.Cryptography;

namespace VoiceAgent.Telephony.Vonage.Rest;

/// <summary>
/// The Vonage application the Voice REST API is called as (the warm transfer moves and dials legs with it):
/// <c>VONAGE_APPLICATION_ID</c>, its private key (<c>VONAGE_PRIVATE_KEY_FILE</c> or the PEM itself in
/// <c>VONAGE_PRIVATE_KEY</c>) and <c>VONAGE_API_BASE_URL</c>. Read once at start-up and validated with the other settings.
/// </summary>
public sealed record VonageRestSettings
{
    /// <summary><c>VONAGE_APPLICATION_ID</c>; null: no Vonage REST calls (a Vonage hand-off cannot move the call).</summary>
    public string? ApplicationId { get; init; }

    /// <summary><c>VONAGE_PRIVATE_KEY_FILE</c>: path of the application's PEM private key.</summary>
    public string? PrivateKeyFile { get; init; }

    /// <summary><c>VONAGE_PRIVATE_KEY</c>: the PEM itself (for secret stores that inject values, not files).</summary>
    public string? PrivateKey { get; init; }

    /// <summary><c>VONAGE_API_BASE_URL</c>: the Voice API origin.</summary>
    public string ApiBaseUrl { get; init; } = "https://api.nexmo.com";

    /// <summary>True when the application id and a key are set.</summary>
    public bool Configured => ApplicationId is not null && (PrivateKey ?? PrivateKeyFile) is not null;

    internal static VonageRestSettings Read(Hosting.SettingReader r) => new()
    {
        ApplicationId = r.String("VONAGE_APPLICATION_ID"),
        PrivateKeyFile = r.String("VONAGE_PRIVATE_KEY_FILE"),
        PrivateKey = r.String("VONAGE_PRIVATE_KEY"),
        ApiBaseUrl = r.String("VONAGE_API_BASE_URL") ?? new VonageRestSettings().ApiBaseUrl,
    };

    /// <summary>The PEM text of the private key (from the variable or the file); null when none is set.</summary>
    internal string? PrivateKeyPem() => PrivateKey ?? (PrivateKeyFile is { } file ? File.ReadAllText(file) : null);

    /// <summary>Every error with a hint; empty when valid. The key is parsed here so a bad one fails at start-up, not on the first hand-off.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (!Uri.TryCreate(ApiBaseUrl, UriKind.Absolute, out var api) || api.Scheme is not ("http" or "https") || api.AbsolutePath != "/")
            errors.Add($"VONAGE_API_BASE_URL must be an http(s) origin such as https://api.nexmo.com (got '{ApiBaseUrl}').");
        if (PrivateKey is not null && PrivateKeyFile is not null)
            errors.Add("Set one of VONAGE_PRIVATE_KEY_FILE and VONAGE_PRIVATE_KEY, not both.");
        var hasKey = PrivateKey is not null || PrivateKeyFile is not null;
        if (ApplicationId is null && hasKey) errors.Add("VONAGE_PRIVATE_KEY(_FILE) is set without VONAGE_APPLICATION_ID: set the id of the application the key belongs to.");
        if (ApplicationId is not null && !hasKey) errors.Add("VONAGE_APPLICATION_ID needs the application's private key: set VONAGE_PRIVATE_KEY_FILE to the private.key downloaded from the dashboard.");
        if (ApplicationId is not null && !Guid.TryParse(ApplicationId, out _)) errors.Add("VONAGE_APPLICATION_ID must be the application's UUID (aaaaaaaa-bbbb-cccc-dddd-0123456789ab).");
        if (PrivateKeyFile is not null && !File.Exists(PrivateKeyFile)) errors.Add($"VONAGE_PRIVATE_KEY_FILE '{PrivateKeyFile}' does not exist.");
        else if (hasKey && (PrivateKey is null || PrivateKeyFile is null))
        {
            try
            {
                using var rsa = RSA.Create();
                rsa.ImportFromPem(PrivateKeyPem());
                if (rsa.KeySize < 2048) errors.Add($"The Vonage private key is {rsa.KeySize} bits; Vonage issues 2048-bit RSA keys.");
            }
            catch (Exception ex) when (ex is ArgumentException or CryptographicException or IOException or UnauthorizedAccessException)
            {
                errors.Add("The Vonage private key is not a readable RSA PEM (-----BEGIN PRIVATE KEY-----): " + ex.GetType().Name + ".");
            }
        }
        return errors;
    }
}
