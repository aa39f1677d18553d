namespace VoiceAgent.Telephony.Twilio.Security;

/// <summary>
/// The one normalisation of the configured public base URL, shared by the TwiML builders (which write
/// the URLs Twilio will sign) and the validator (which rebuilds them), so both always agree.
/// </summary>
internal static class PublicUrl
{
    /// <summary>
    /// <c>scheme://host[:port][/prefix]</c> with no trailing slash: the scheme and host lower-cased, the
    /// default port omitted. With <paramref name="webSocket"/>, https becomes wss and http becomes ws.
    /// </summary>
    public static string Origin(Uri publicBaseUrl, bool webSocket)
    {
        ArgumentNullException.ThrowIfNull(publicBaseUrl);
        if (!publicBaseUrl.IsAbsoluteUri)
            throw new ArgumentException($"The public base URL '{publicBaseUrl}' must be absolute (e.g. https://voice.example.com).", nameof(publicBaseUrl));

        var scheme = publicBaseUrl.Scheme;
        if (scheme != Uri.UriSchemeHttps && scheme != Uri.UriSchemeHttp)
            throw new ArgumentException($"The public base URL '{publicBaseUrl}' must use http or https.", nameof(publicBaseUrl));
        if (webSocket) scheme = scheme == Uri.UriSchemeHttps ? Uri.UriSchemeWss : Uri.UriSchemeWs;

        return string.Concat(scheme, Uri.SchemeDelimiter, publicBaseUrl.Authority, publicBaseUrl.AbsolutePath.TrimEnd('/'));
    }
}
