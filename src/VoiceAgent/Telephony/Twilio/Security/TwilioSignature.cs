using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;

namespace VoiceAgent.Telephony.Twilio.Security;

/// <summary>
/// Twilio's <c>X-Twilio-Signature</c>: base64 of HMAC-SHA1, keyed with the account auth token, over the
/// URL Twilio requested followed by every POST parameter as <c>name + value</c>, sorted by name and then
/// value (ordinal). Validation compares in constant time and accepts the URL with or without its port.
/// </summary>
public static class TwilioSignature
{
    /// <summary>The request header Twilio puts the signature in.</summary>
    public const string HeaderName = "X-Twilio-Signature";

    /// <summary>The query parameter Twilio appends (lower-case hex SHA-256 of the body) when it signs a non-form body.</summary>
    public const string BodyHashParameter = "bodySHA256";

    private const int Sha1Length = 20;

    /// <summary>Computes the header value Twilio would send for <paramref name="url"/> and form <paramref name="parameters"/>.</summary>
    /// <param name="authToken">The account auth token (HMAC key).</param>
    /// <param name="url">The URL exactly as Twilio requested it, query string included.</param>
    /// <param name="parameters">Decoded POST parameters; repeated names are allowed. Null or empty for GET, JSON bodies and WebSocket upgrades.</param>
    public static string Compute(string authToken, string url, IEnumerable<KeyValuePair<string, string>>? parameters = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(authToken);
        ArgumentNullException.ThrowIfNull(url);
        Span<byte> digest = stackalloc byte[Sha1Length];
        Hash(authToken, url, Sort(parameters), digest);
        return Convert.ToBase64String(digest);
    }

    /// <summary>
    /// True when <paramref name="signature"/> is Twilio's signature of <paramref name="url"/> (as given,
    /// without its port, or with the default port) and <paramref name="parameters"/>.
    /// </summary>
    public static bool IsValid(string authToken, string url, IEnumerable<KeyValuePair<string, string>>? parameters, string? signature)
    {
        ArgumentException.ThrowIfNullOrEmpty(authToken);
        ArgumentNullException.ThrowIfNull(url);
        return Matches(authToken, url, Sort(parameters), signature);
    }

    /// <summary>
    /// Validates a request whose body is not a form (e.g. JSON): the signature covers the URL, which
    /// carries <c>bodySHA256=&lt;hex&gt;</c>, with no parameters, and that hash must equal SHA-256 of <paramref name="body"/>.
    /// </summary>
    public static bool IsValidWithBody(string authToken, string url, ReadOnlySpan<byte> body, string? signature)
    {
        ArgumentException.ThrowIfNullOrEmpty(authToken);
        ArgumentNullException.ThrowIfNull(url);
        if (!TryGetBodyHash(url, out var expectedHex)) return false;
        if (!Matches(authToken, url, [], signature)) return false;
        Span<byte> actual = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(body, actual);
        return BodyHashMatches(expectedHex, actual);
    }

    /// <summary>
    /// Validates a WebSocket upgrade, which has no body. Accepts either rule seen from Twilio: the full
    /// URL (query included) with no parameters, or the URL without its query and the query's decoded
    /// pairs as parameters. Pass the URL as written in the TwiML (<c>wss://…</c>).
    /// </summary>
    public static bool IsValidWebSocketUpgrade(string authToken, string url, string? signature)
    {
        ArgumentException.ThrowIfNullOrEmpty(authToken);
        ArgumentNullException.ThrowIfNull(url);
        if (Matches(authToken, url, [], signature)) return true;

        var queryStart = url.IndexOf('?', StringComparison.Ordinal);
        if (queryStart < 0) return false;
        var fragmentStart = url.IndexOf('#', queryStart);
        var query = fragmentStart < 0 ? url[queryStart..] : url[queryStart..fragmentStart];
        var parameters = new List<KeyValuePair<string, string>>();
        foreach (var (name, values) in QueryHelpers.ParseQuery(query))
        {
            foreach (var value in values) parameters.Add(new(name, value ?? string.Empty));
        }
        return Matches(authToken, url[..queryStart], Sort(parameters), signature);
    }

    /// <summary>Reads the single <c>bodySHA256</c> query value of <paramref name="url"/>.</summary>
    internal static bool TryGetBodyHash(string url, out string hex)
    {
        hex = string.Empty;
        var queryStart = url.IndexOf('?', StringComparison.Ordinal);
        if (queryStart < 0) return false;
        var fragmentStart = url.IndexOf('#', queryStart);
        var query = fragmentStart < 0 ? url[queryStart..] : url[queryStart..fragmentStart];
        if (!QueryHelpers.ParseQuery(query).TryGetValue(BodyHashParameter, out var values) || values.Count != 1) return false;
        hex = values[0] ?? string.Empty;
        return hex.Length == SHA256.HashSizeInBytes * 2;
    }

    /// <summary>Compares the hex hash from the URL with the body's SHA-256 (case-insensitive hex, constant time).</summary>
    internal static bool BodyHashMatches(string expectedHex, ReadOnlySpan<byte> actualSha256)
    {
        Span<byte> expected = stackalloc byte[SHA256.HashSizeInBytes];
        if (expectedHex.Length != expected.Length * 2) return false;
        var status = Convert.FromHexString(expectedHex, expected, out _, out var written);
        return status == OperationStatus.Done && written == expected.Length
            && CryptographicOperations.FixedTimeEquals(expected, actualSha256);
    }

    private static bool Matches(string authToken, string url, KeyValuePair<string, string>[] sortedParameters, string? signature)
    {
        if (string.IsNullOrEmpty(signature)) return false;
        Span<byte> presented = stackalloc byte[32];
        if (!Convert.TryFromBase64String(signature, presented, out var length) || length != Sha1Length) return false;
        presented = presented[..Sha1Length];

        Span<byte> expected = stackalloc byte[Sha1Length];
        foreach (var candidate in SignedUrlVariants.Of(url))
        {
            Hash(authToken, candidate, sortedParameters, expected);
            if (CryptographicOperations.FixedTimeEquals(expected, presented)) return true;
        }
        return false;
    }

    private static KeyValuePair<string, string>[] Sort(IEnumerable<KeyValuePair<string, string>>? parameters)
    {
        if (parameters is null) return [];
        var sorted = parameters.ToArray();
        Array.Sort(sorted, static (a, b) =>
        {
            var byName = string.CompareOrdinal(a.Key, b.Key);
            return byName != 0 ? byName : string.CompareOrdinal(a.Value, b.Value);
        });
        return sorted;
    }

    /// <summary>Auth tokens up to this many UTF-8 bytes (Twilio's are 32) are keyed from the stack.</summary>
    private const int StackKeyBytes = 128;

    /// <summary>
    /// HMAC-SHA1 of the URL and the sorted parameters, in one call over their UTF-8 bytes gathered in one pooled array
    /// (cleared when returned: it holds the caller's form values): no hash object, key copy or string per check.
    /// </summary>
    private static void Hash(string authToken, string url, KeyValuePair<string, string>[] sortedParameters, Span<byte> digest)
    {
        var keyLength = Encoding.UTF8.GetByteCount(authToken);
        var keyArray = keyLength > StackKeyBytes ? ArrayPool<byte>.Shared.Rent(keyLength) : null;
        Span<byte> keyRoom = keyArray is null ? stackalloc byte[StackKeyBytes] : keyArray;
        var key = keyRoom[..keyLength];
        var messageLength = Encoding.UTF8.GetByteCount(url);
        foreach (var (name, value) in sortedParameters)
            messageLength += Encoding.UTF8.GetByteCount(name) + Encoding.UTF8.GetByteCount(value);
        var message = ArrayPool<byte>.Shared.Rent(Math.Max(messageLength, 1));
        try
        {
            Encoding.UTF8.GetBytes(authToken, key);
            var written = Encoding.UTF8.GetBytes(url, message);
            foreach (var (name, value) in sortedParameters)
            {
                written += Encoding.UTF8.GetBytes(name, message.AsSpan(written));
                written += Encoding.UTF8.GetBytes(value, message.AsSpan(written));
            }
            // SHA-1 is what Twilio's protocol mandates; HMAC-SHA1 is not affected by SHA-1 collision attacks.
#pragma warning disable CA5350 // Twilio's signature is HMAC-SHA1 by protocol (the IncrementalHash form before did not trip the analyzer)
            HMACSHA1.HashData(key, message.AsSpan(0, written), digest);
#pragma warning restore CA5350
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
            if (keyArray is not null) ArrayPool<byte>.Shared.Return(keyArray);
            ArrayPool<byte>.Shared.Return(message, clearArray: true);
        }
    }
}
