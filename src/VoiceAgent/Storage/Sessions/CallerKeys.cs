using System.Security.Cryptography;

namespace VoiceAgent.Storage.Sessions;

/// <summary>
/// The per-caller index key: HMAC-SHA256 of the caller ID under a secret kept in the data folder, so the store never
/// holds a plain number as a key and the key cannot be reversed by hashing every number. Instances that share a call
/// must share the secret (the same <c>DATA_DIR</c>).
/// </summary>
internal sealed class CallerKeys(byte[] secret)
{
    /// <summary>Caller IDs up to this length are normalised on the stack (a longer one, never a real number, on the heap).</summary>
    private const int StackChars = 64;

    /// <summary>The index key for <paramref name="callerId"/>; null for an unknown or withheld caller.</summary>
    /// <remarks>Computed at each call's set-up: the only object made is the key itself.</remarks>
    public string? For(string? callerId)
    {
        if (string.IsNullOrWhiteSpace(callerId)) return null;
        var trimmed = callerId.AsSpan().Trim();
        Span<byte> normalized = trimmed.Length <= StackChars ? stackalloc byte[StackChars] : new byte[trimmed.Length];
        var length = Normalize(trimmed, normalized, out var digits);
        if (digits < 3) return null;
        Span<byte> key = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(secret, normalized[..length], key);
        return Convert.ToHexStringLower(key);
    }

    /// <summary>
    /// "+1 (415) 555-0100" and "+14155550100" are the same caller: the digits, and a '+' only as the first character
    /// kept, as ASCII bytes. Anonymous and restricted callers (fewer than 3 digits) have no key.
    /// </summary>
    private static int Normalize(ReadOnlySpan<char> callerId, Span<byte> into, out int digits)
    {
        var length = 0;
        digits = 0;
        foreach (var c in callerId)
        {
            if (char.IsAsciiDigit(c))
            {
                into[length++] = (byte)c;
                digits++;
            }
            else if (c == '+' && length == 0) into[length++] = (byte)'+';
        }
        return length;
    }
}
