using System.Security.Cryptography;
using System.Text;

namespace VoiceAgent.Storage.Sessions;

/// <summary>
/// The per-caller index key: HMAC-SHA256 of the caller ID under a secret kept in the data folder, so the store never
/// holds a plain number as a key and the key cannot be reversed by hashing every number. Instances that share a call
/// must share the secret (the same <c>DATA_DIR</c>).
/// </summary>
internal sealed class CallerKeys(byte[] secret)
{
    /// <summary>The index key for <paramref name="callerId"/>; null for an unknown or withheld caller.</summary>
    public string? For(string? callerId)
    {
        var normalized = Normalize(callerId);
        if (normalized is null) return null;
        return Convert.ToHexStringLower(HMACSHA256.HashData(secret, Encoding.UTF8.GetBytes(normalized)));
    }

    // "+1 (415) 555-0100" and "+14155550100" are the same caller; anonymous and restricted callers have no key.
    private static string? Normalize(string? callerId)
    {
        if (string.IsNullOrWhiteSpace(callerId)) return null;
        var digits = new StringBuilder(callerId.Length);
        foreach (var c in callerId.Trim())
            if (char.IsAsciiDigit(c) || (c == '+' && digits.Length == 0)) digits.Append(c);
        return digits.ToString().Count(char.IsAsciiDigit) < 3 ? null : digits.ToString();
    }
}
