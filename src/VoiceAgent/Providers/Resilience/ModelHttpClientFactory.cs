using System.Net;
using VoiceAgent.Providers.Http11;

namespace VoiceAgent.Providers.Resilience;

/// <summary>
/// The <see cref="HttpClient"/> the model SDKs run on. Beyond pooling it does two things. It asks for the HTTP version
/// <see cref="ModelHttpVersion"/> chose for the provider's origin (<see cref="ModelHttpVersionHandler"/>: HTTP/2 over
/// https by default). And when a caller cancels a stream (barge-in), the upstream response ends at once: on HTTP/2 the
/// stream is reset (RST_STREAM) and the connection kept for the next turn; on HTTP/1.1, where SocketsHttpHandler would
/// otherwise "drain" an unfinished response for up to 2 s (the provider generating and billing tokens nobody will
/// hear), the connection is closed instead. HTTP/1.1 lanes run on our own <see cref="Http11Handler"/> (no allocation
/// per streamed read; docs/hot-path-allocations.md, round 7) unless a proxy applies to the origin; HTTP/2 lanes and
/// proxied ones on <see cref="SocketsHttpHandler"/> (<see cref="SocketsHttpHandler.MaxResponseDrainSize"/> = 0).
/// </summary>
internal static class ModelHttpClientFactory
{
    /// <param name="connectTimeout">Upper bound on opening a connection.</param>
    /// <param name="origin">The provider's origin: its scheme decides what <see cref="ModelHttpVersion.Auto"/> means.</param>
    /// <param name="version">The <c>MODEL_HTTP_VERSION</c> setting.</param>
    /// <param name="warmup">When given, sits in front of the version handler (start-up warm-up with canned replies).</param>
    public static HttpClient Create(TimeSpan connectTimeout, Uri origin, ModelHttpVersion version, ModelWarmupHandler? warmup = null)
    {
        var http2 = ModelHttpVersionHandler.UsesHttp2(version, origin);
        HttpMessageHandler sockets = !http2 && !ProxyApplies(origin)
            ? new Http11Handler(new Http11HandlerOptions { ConnectTimeout = connectTimeout })
            : new SocketsHttpHandler
            {
                MaxResponseDrainSize = 0,
                ConnectTimeout = connectTimeout,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
                // One HTTP/2 connection carries up to the server's stream limit (100 at Anthropic/OpenAI); past it, open another.
                EnableMultipleHttp2Connections = true,
            };
        HttpMessageHandler handler = new ModelHttpVersionHandler(http2) { InnerHandler = sockets };
        if (warmup is not null)
        {
            warmup.InnerHandler = handler;
            handler = warmup;
        }
        return new HttpClient(handler)
        {
            // The SDKs apply their own per-call timeout; HttpClient's 100 s default would only interfere.
            Timeout = Timeout.InfiniteTimeSpan,
            DefaultRequestVersion = http2 ? HttpVersion.Version20 : HttpVersion.Version11,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
        };
    }

    /// <summary>Whether the system's proxy settings (<c>HTTP_PROXY</c>, <c>HTTPS_PROXY</c>, <c>ALL_PROXY</c>, <c>NO_PROXY</c>) send requests to <paramref name="origin"/> through a proxy.</summary>
    internal static bool ProxyApplies(Uri origin)
    {
        var proxy = HttpClient.DefaultProxy;
        return !proxy.IsBypassed(origin) && proxy.GetProxy(origin) is { } through && through != origin;
    }
}
