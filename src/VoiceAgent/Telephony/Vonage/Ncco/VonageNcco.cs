using System.Collections.Immutable;
using System.Text.Json;

namespace VoiceAgent.Telephony.Vonage.Ncco;

/// <summary>Builds the NCCO an answer URL returns to connect a Vonage call to this server's WebSocket.</summary>
public static class VonageNcco
{
    /// <summary>16-bit linear PCM at 16 kHz, 640-byte frames.</summary>
    public const string DefaultContentType = "audio/l16;rate=16000";

    /// <summary>Vonage's limit on the serialized <c>headers</c> object.</summary>
    public const int MaxHeadersBytes = 512;

    private static readonly ImmutableArray<string> SupportedContentTypes = ["audio/l16;rate=8000", DefaultContentType, "audio/l16;rate=24000"];

    /// <summary>
    /// <c>[{"action":"connect","endpoint":[{"type":"websocket","uri":…,"content-type":…,"headers":{…}}]}]</c>,
    /// plus <c>"eventType":"synchronous","eventUrl":[…]</c> when <paramref name="eventUrl"/> is given.
    /// </summary>
    /// <param name="uri">The WebSocket, absolute <c>wss://</c> (<c>ws://</c> for local use).</param>
    /// <param name="contentType"><c>audio/l16;rate=16000</c> (default), <c>…8000</c> or <c>…24000</c>.</param>
    /// <param name="headers">Echoed in the first frame (e.g. the per-call <see cref="VonageCallSecret"/>); at most 512 bytes as JSON.</param>
    /// <param name="eventUrl">Absolute http(s) URL for call events and fallback.</param>
    /// <exception cref="ArgumentException">An argument is invalid; the message lists every problem with its fix.</exception>
    public static string ConnectWebSocket(
        Uri uri,
        string contentType = DefaultContentType,
        IReadOnlyDictionary<string, string>? headers = null,
        Uri? eventUrl = null)
    {
        var errors = new List<string>();
        if (uri is null || !uri.IsAbsoluteUri || (uri.Scheme != Uri.UriSchemeWss && uri.Scheme != Uri.UriSchemeWs) || uri.Fragment.Length > 0)
            errors.Add($"uri '{uri}' must be an absolute wss:// (or ws:// for local use) URL without a fragment.");
        if (!SupportedContentTypes.Contains(contentType, StringComparer.Ordinal))
            errors.Add($"contentType '{contentType}' is not supported; use one of {string.Join(", ", SupportedContentTypes)}.");
        if (eventUrl is not null && (!eventUrl.IsAbsoluteUri || (eventUrl.Scheme != Uri.UriSchemeHttps && eventUrl.Scheme != Uri.UriSchemeHttp)))
            errors.Add($"eventUrl '{eventUrl}' must be an absolute https:// (or http:// for local use) URL.");
        if (headers is not null)
        {
            if (headers.Keys.Any(string.IsNullOrWhiteSpace)) errors.Add("headers contains a blank name; name every header.");
            if (headers.Values.Any(v => v is null)) errors.Add("headers contains a null value; use an empty string instead.");
            else if (JsonSerializer.SerializeToUtf8Bytes(headers, VonageNccoJsonContext.Default.IReadOnlyDictionaryStringString).Length > MaxHeadersBytes)
                errors.Add($"headers serialize to more than {MaxHeadersBytes} bytes; Vonage rejects that, so pass a key and keep the data server-side.");
        }
        if (errors.Count > 0)
            throw new ArgumentException("Invalid Vonage connect NCCO:" + Environment.NewLine + " - " + string.Join(Environment.NewLine + " - ", errors));

        IReadOnlyList<NccoConnectAction> ncco =
        [
            new NccoConnectAction
            {
                EventType = eventUrl is null ? null : "synchronous",
                EventUrl = eventUrl is null ? null : [eventUrl.AbsoluteUri],
                Endpoint =
                [
                    new NccoWebSocketEndpoint
                    {
                        Uri = uri!.AbsoluteUri,
                        ContentType = contentType,
                        Headers = headers is { Count: > 0 } ? headers : null,
                    },
                ],
            },
        ];
        return JsonSerializer.Serialize(ncco, VonageNccoJsonContext.Default.IReadOnlyListNccoConnectAction);
    }
}
