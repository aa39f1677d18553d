using System.Net;

namespace VoiceAgent.Providers.Resilience;

/// <summary>
/// Sets the HTTP version of every request a model client sends. The SDKs build their own
/// <see cref="HttpRequestMessage"/>s, which default to HTTP/1.1 whatever <see cref="HttpClient.DefaultRequestVersion"/>
/// says, so the version is set here, just above the socket handler (below the warm-up handler, so the warm-up's
/// requests open the same kind of connection the turns then reuse). Whether HTTP/2 is used is decided once, from the
/// setting and the scheme of the provider's origin: with HTTP/2 chosen, https requests ask for 2.0 and let ALPN fall
/// back to 1.1, plain-http ones (a local endpoint, the warm-up's loopback server) speak h2c with prior knowledge.
/// On HTTP/2 a cancelled stream is reset (RST_STREAM) and its connection kept; on HTTP/1.1 it is closed.
/// </summary>
internal sealed class ModelHttpVersionHandler(bool http2) : DelegatingHandler
{
    /// <summary>Whether requests go over HTTP/2 for a provider at <paramref name="origin"/> under <paramref name="version"/>.</summary>
    public static bool UsesHttp2(ModelHttpVersion version, Uri origin) => version switch
    {
        ModelHttpVersion.Http2 => true,
        ModelHttpVersion.Http11 => false,
        _ => origin.Scheme == Uri.UriSchemeHttps,
    };

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Apply(request);
        return base.SendAsync(request, cancellationToken);
    }

    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Apply(request);
        return base.Send(request, cancellationToken);
    }

    private void Apply(HttpRequestMessage request)
    {
        if (!http2)
        {
            request.Version = HttpVersion.Version11;
            request.VersionPolicy = HttpVersionPolicy.RequestVersionOrLower;
            return;
        }
        request.Version = HttpVersion.Version20;
        // Over TLS, ALPN offers h2 and http/1.1 and the server picks; in clear text "or lower" would mean HTTP/1.1, so exact.
        request.VersionPolicy = request.RequestUri?.Scheme == Uri.UriSchemeHttps
            ? HttpVersionPolicy.RequestVersionOrLower
            : HttpVersionPolicy.RequestVersionExact;
    }
}
