using System.Security.Cryptography;
using System.Text;

namespace VoiceAgent.Storage.Encryption;

/// <summary>
/// Caller numbers are never stored: records carry a keyed hash (HMAC-SHA256) that finds a caller's rows for
/// consent and erasure but cannot be reversed by enumerating phone numbers without the key. The key is
/// separate from the transcript keys so rotating those keeps lookups working.
/// </summary>
public sealed class CallerIdHasher(byte[] key)
{
    public const string GeneratedKeyFile = "caller-id-hash-key";

    public string Hash(string callerId)
    {
        var normalized = new string(callerId.Where(c => char.IsDigit(c) || c == '+').ToArray());
        if (normalized.Length == 0) normalized = callerId.Trim();
        return "h" + Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(normalized)));
    }

    public static CallerIdHasher Load(string dataDir, string? configuredKey)
        => new(configuredKey is not null ? Convert.FromBase64String(configuredKey) : Hosting.SecretFile.LoadOrCreateKey(dataDir, GeneratedKeyFile));
}
