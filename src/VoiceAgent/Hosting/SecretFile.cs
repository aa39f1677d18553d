using System.Security.Cryptography;

namespace VoiceAgent.Hosting;

/// <summary>Random keys kept in the data folder (owner-only), shared by every instance that mounts it.</summary>
internal static class SecretFile
{
    public static byte[] LoadOrCreateKey(string dataDir, string name)
    {
        Directory.CreateDirectory(dataDir);
        var text = DevelopmentCredentials.ReadOrCreate(Path.Combine(dataDir, name), () => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        return Convert.FromBase64String(text);
    }
}
