using System.Security.Cryptography;

namespace VoiceAgent.Hosting;

/// <summary>
/// With no Twilio credentials configured, signatures stay on: the server creates a local development
/// AccountSid and auth token in its data folder (owner-only permissions) and the softphone signs with them
/// exactly as Twilio would.
/// </summary>
public static class DevelopmentCredentials
{
    public const string AuthTokenFile = "dev-twilio-auth-token";
    public const string AccountSidFile = "dev-twilio-account-sid";
    public const string VonageSignatureSecretFile = "dev-vonage-signature-secret";

    /// <summary>
    /// The development Vonage signature secret (offline mode) from <paramref name="dataDir"/>, created on first
    /// use; the emulated Vonage signs its webhooks with it exactly as Vonage signs with the account's secret.
    /// </summary>
    public static string LoadOrCreateVonageSignatureSecret(string dataDir)
    {
        Directory.CreateDirectory(dataDir);
        return ReadOrCreate(Path.Combine(dataDir, VonageSignatureSecretFile), () => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)));
    }

    /// <summary>The development Vonage signature secret, or null when the server never created one.</summary>
    public static string? TryLoadVonageSignatureSecret(string dataDir)
    {
        var path = Path.Combine(dataDir, VonageSignatureSecretFile);
        return File.Exists(path) ? File.ReadAllText(path).Trim() : null;
    }

    /// <summary>Reads the development credentials from <paramref name="dataDir"/>, creating them on first use.</summary>
    public static (string AccountSid, string AuthToken) LoadOrCreate(string dataDir)
    {
        Directory.CreateDirectory(dataDir);
        var sid = ReadOrCreate(Path.Combine(dataDir, AccountSidFile), () => "AC" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)));
        var token = ReadOrCreate(Path.Combine(dataDir, AuthTokenFile), () => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)));
        return (sid, token);
    }

    /// <summary>Reads existing development credentials (for the softphone); null when the server never created them.</summary>
    public static (string AccountSid, string AuthToken)? TryLoad(string dataDir)
    {
        var sidPath = Path.Combine(dataDir, AccountSidFile);
        var tokenPath = Path.Combine(dataDir, AuthTokenFile);
        if (!File.Exists(sidPath) || !File.Exists(tokenPath)) return null;
        return (File.ReadAllText(sidPath).Trim(), File.ReadAllText(tokenPath).Trim());
    }

    internal static string ReadOrCreate(string path, Func<string> create)
    {
        if (File.Exists(path)) return File.ReadAllText(path).Trim();
        var value = create();
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        try
        {
            using var writer = new StreamWriter(path, System.Text.Encoding.UTF8, options);
            writer.Write(value);
        }
        catch (IOException) when (File.Exists(path))
        {
            return File.ReadAllText(path).Trim(); // another process created it first
        }
        return value;
    }
}
