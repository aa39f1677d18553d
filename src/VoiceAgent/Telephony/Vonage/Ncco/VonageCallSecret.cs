using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace VoiceAgent.Telephony.Vonage.Ncco;

/// <summary>
/// The per-call secret that authenticates a Vonage WebSocket: the answer URL generates one, puts it in the
/// NCCO <c>headers</c> under <see cref="HeaderName"/>, keeps it for that call, and the transport compares it
/// with the value Vonage echoes in the first <c>websocket:connected</c> frame.
/// </summary>
public static class VonageCallSecret
{
    /// <summary>The NCCO header (and first-frame field) that carries the secret.</summary>
    public const string HeaderName = "callSecret";

    private const int SecretBytes = 32;

    /// <summary>A new 256-bit random secret, base64url without padding (43 characters).</summary>
    public static string Generate()
    {
        Span<byte> bytes = stackalloc byte[SecretBytes];
        RandomNumberGenerator.Fill(bytes);
        return Base64Url.EncodeToString(bytes);
    }

    /// <summary>
    /// True when <paramref name="presented"/> equals <paramref name="expected"/>. Compares SHA-256 digests in
    /// constant time, so neither the content nor the length of the secret leaks through timing.
    /// </summary>
    public static bool Matches(string? expected, string? presented)
    {
        if (string.IsNullOrEmpty(expected) || string.IsNullOrEmpty(presented)) return false;
        Span<byte> expectedHash = stackalloc byte[SHA256.HashSizeInBytes];
        Span<byte> presentedHash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(expected), expectedHash);
        SHA256.HashData(Encoding.UTF8.GetBytes(presented), presentedHash);
        return CryptographicOperations.FixedTimeEquals(expectedHash, presentedHash);
    }
}
