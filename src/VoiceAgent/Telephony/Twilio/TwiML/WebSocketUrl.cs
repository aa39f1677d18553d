using VoiceAgent.Telephony.Twilio.Security;

namespace VoiceAgent.Telephony.Twilio.TwiML;

/// <summary>Builds the WebSocket URLs written into TwiML/NCCO from the configured public base URL.</summary>
public static class WebSocketUrl
{
    /// <summary>
    /// The <c>wss://</c> (from https) or <c>ws://</c> (from http) URL of <paramref name="path"/> under
    /// <paramref name="publicBaseUrl"/>, keeping its port and path prefix: https://voice.example.com +
    /// /ws/relay → wss://voice.example.com/ws/relay. This is also the URL Twilio signs on the upgrade.
    /// </summary>
    /// <param name="publicBaseUrl">Absolute http(s) URL, e.g. <c>PUBLIC_BASE_URL</c>.</param>
    /// <param name="path">Absolute path starting with '/', without query string.</param>
    public static Uri FromPublicBase(Uri publicBaseUrl, string path)
    {
        ArgumentNullException.ThrowIfNull(publicBaseUrl);
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (path[0] != '/')
            throw new ArgumentException($"The WebSocket path '{path}' must start with '/'.", nameof(path));
        if (path.AsSpan().IndexOfAny('?', '#') >= 0)
            throw new ArgumentException($"The WebSocket path '{path}' must not carry a query string or fragment; pass data as <Parameter> elements instead.", nameof(path));

        return new Uri(PublicUrl.Origin(publicBaseUrl, webSocket: true) + path, UriKind.Absolute);
    }
}
