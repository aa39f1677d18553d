using System.Security.Cryptography;
using System.Text;

namespace VoiceAgent.Emulators.Twilio;

/// <summary>
/// Twilio's side of <c>X-Twilio-Signature</c>, for emulators that stand in for Twilio: signs the URL as
/// written in the TwiML or console (Twilio never adds or strips a port) followed by the form parameters
/// sorted by name, then value. Upgrades have no body, so they sign the full <c>wss://</c> URL alone.
/// Kept independent of the server's validator; the published vectors keep both honest.
/// </summary>
public sealed class TwilioRequestSigner
{
    public const string HeaderName = "X-Twilio-Signature";

    private readonly byte[] _key;

    public TwilioRequestSigner(string authToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(authToken);
        _key = Encoding.UTF8.GetBytes(authToken);
    }

    /// <summary>The header value for a request to <paramref name="url"/> with decoded form parameters.</summary>
    public string Sign(string url, IEnumerable<KeyValuePair<string, string>>? formParameters = null)
    {
        ArgumentNullException.ThrowIfNull(url);
        var signed = new StringBuilder(url);
        if (formParameters is not null)
        {
            var ordered = new List<KeyValuePair<string, string>>(formParameters);
            ordered.Sort(static (x, y) => string.CompareOrdinal(x.Key, y.Key) is var c && c != 0 ? c : string.CompareOrdinal(x.Value, y.Value));
            foreach (var parameter in ordered) signed.Append(parameter.Key).Append(parameter.Value);
        }

#pragma warning disable CA5350 // HMAC-SHA1 is what Twilio's signature protocol specifies.
        using var hmac = new HMACSHA1(_key);
#pragma warning restore CA5350
        return Convert.ToBase64String(hmac.ComputeHash(Encoding.UTF8.GetBytes(signed.ToString())));
    }

    /// <summary>The header value for a WebSocket upgrade to <paramref name="webSocketUrl"/> (as in the TwiML).</summary>
    public string SignWebSocketUpgrade(string webSocketUrl) => Sign(webSocketUrl);

    /// <summary>
    /// For a non-form body: appends <c>bodySHA256=&lt;lower-case hex&gt;</c> to <paramref name="url"/> and signs
    /// the result with no parameters. Send the request to the returned URL.
    /// </summary>
    public (string Url, string Signature) SignBody(string url, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(url);
        var hash = Convert.ToHexStringLower(SHA256.HashData(body));
        var signedUrl = url + (url.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "bodySHA256=" + hash;
        return (signedUrl, Sign(signedUrl));
    }

    /// <summary>
    /// A signed form POST sent to <paramref name="requestUri"/> (e.g. a loopback emulator address) but signed
    /// for <paramref name="signedUrl"/>, the public URL Twilio would have called.
    /// </summary>
    public HttpRequestMessage CreateFormPost(Uri requestUri, string signedUrl, IReadOnlyList<KeyValuePair<string, string>> form)
    {
        ArgumentNullException.ThrowIfNull(requestUri);
        ArgumentNullException.ThrowIfNull(form);
        var request = new HttpRequestMessage(HttpMethod.Post, requestUri) { Content = new FormUrlEncodedContent(form) };
        request.Headers.TryAddWithoutValidation(HeaderName, Sign(signedUrl, form));
        return request;
    }
}
