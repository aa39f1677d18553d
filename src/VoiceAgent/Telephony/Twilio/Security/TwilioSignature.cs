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

    private static void Hash(string authToken, string url, KeyValuePair<string, string>[] sortedParameters, Span<byte> digest)
    {
        var key = Encoding.UTF8.GetBytes(authToken);
        try
        {
            // SHA-1 is what Twilio's protocol mandates; HMAC-SHA1 is not affected by SHA-1 collision attacks.
            using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA1, key);
            AppendUtf8(hmac, url);
            foreach (var (name, value) in sortedParameters)
            {
                AppendUtf8(hmac, name);
                AppendUtf8(hmac, value);
            }
            hmac.GetHashAndReset(digest);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    private static void AppendUtf8(IncrementalHash hash, string text)
    {
        if (text.Length == 0) return;
        var rented = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(text.Length));
        try
        {
            var count = Encoding.UTF8.GetBytes(text, rented);
            hash.AppendData(rented, 0, count);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
