using System.Net;
using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace VoiceAgent.Providers.Resilience;

/// <summary>
/// Answers the start-up warm-up's model requests over a real loopback HTTP/1.1 (or h2c) connection with
/// <see cref="ModelWarmupHandler.CannedStream"/>, sent as a chunked <c>text/event-stream</c> one event per chunk (the
/// way the providers stream), so the first caller's turn finds the socket handler's request writing and streamed
/// response reading compiled. A Kestrel server of its own (no host, no DI, no logging) on 127.0.0.1, an ephemeral port,
/// for the warm-up's lifetime: it reads each whole request body before answering a <c>POST</c>, and closes the
/// connection after the reply (no pooled connection outlives the server).
/// </summary>
internal sealed class CannedReplyServer : IAsyncDisposable
{
    private const int MaxHeadBytes = 64 * 1024;
    private const int MaxBodyBytes = 4 * 1024 * 1024;
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(5);
    private readonly KestrelServer _server;
    private readonly string[] _events;
    private int _served;
    private volatile IReadOnlyList<string> _lastRequestHeaders = [];

    private CannedReplyServer(string provider, KestrelServer server)
    {
        _server = server;
        _events = ModelWarmupHandler.CannedStream(provider).Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>
    /// Binds 127.0.0.1 on an ephemeral port and starts serving <paramref name="provider"/>'s canned reply. Throws
    /// <see cref="IOException"/> or <see cref="System.Net.Sockets.SocketException"/> when loopback cannot be bound.
    /// </summary>
    /// <param name="http2">Serve HTTP/2 with prior knowledge (h2c) instead of HTTP/1.1: the lane's model client speaks HTTP/2.</param>
    public static async Task<CannedReplyServer> StartAsync(string provider, bool http2, CancellationToken cancellationToken)
    {
        var options = new KestrelServerOptions { AddServerHeader = false };
        options.Limits.MaxRequestHeadersTotalSize = MaxHeadBytes;
        options.Limits.MaxRequestBodySize = MaxBodyBytes;
        options.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = http2 ? HttpProtocols.Http2 : HttpProtocols.Http1);
        var kestrel = new KestrelServer(
            Options.Create(options),
            new SocketTransportFactory(Options.Create(new SocketTransportOptions()), NullLoggerFactory.Instance),
            NullLoggerFactory.Instance);
        var server = new CannedReplyServer(provider, kestrel);
        try
        {
            await kestrel.StartAsync(new Application(server), cancellationToken);
            var address = kestrel.Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
            server.Origin = new Uri(new Uri(address).GetLeftPart(UriPartial.Authority) + "/");
            return server;
        }
        catch
        {
            kestrel.Dispose();
            throw;
        }
    }

    public Uri Origin { get; private set; } = null!;

    /// <summary>Requests answered with the canned reply.</summary>
    public int Served => Volatile.Read(ref _served);

    /// <summary>The request line and header lines of the last request answered (what reached the loopback server).</summary>
    public IReadOnlyList<string> LastRequestHeaders => _lastRequestHeaders;

    private async Task ServeAsync(HttpContext context)
    {
        var request = context.Request;
        var response = context.Response;
        if (!HttpMethods.IsPost(request.Method))
        {
            response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            return;
        }
        var aborted = context.RequestAborted;
        await request.Body.CopyToAsync(Stream.Null, aborted); // the whole body, as a provider reads it (Kestrel caps its size)
        _lastRequestHeaders = [$"{request.Method} {request.Path}{request.QueryString} {request.Protocol}", .. request.Headers.Select(h => $"{h.Key}: {h.Value}")];

        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        // One request per connection: nothing pooled outlives this server. HTTP/2 has no Connection header: stopping the
        // server sends GOAWAY, and the client drops that connection from its pool.
        if (!HttpProtocol.IsHttp2(request.Protocol)) response.Headers.Connection = "close";
        await response.StartAsync(aborted);
        for (var i = 0; i < _events.Length; i++)
        {
            // No Content-Length: Kestrel sends each flushed write as one chunk and the terminating chunk on return.
            if (i == _events.Length - 1) Interlocked.Increment(ref _served); // before the last event: the client cannot have finished reading before this
            await response.Body.WriteAsync(Encoding.UTF8.GetBytes(_events[i] + "\n\n"), aborted);
            await response.Body.FlushAsync(aborted);
            // A provider's events arrive spaced out, so a turn's reads wait on the socket between them; spaced the same way,
            // the warm-up compiles those waiting paths too (back to back, every read would complete at once).
            if (i < _events.Length - 1) await Task.Delay(EventSpacing, aborted);
        }
    }

    /// <summary>The pause between two events of the canned reply.</summary>
    private static readonly TimeSpan EventSpacing = TimeSpan.FromMilliseconds(5);

    public async ValueTask DisposeAsync()
    {
        // Every connection is closed after its one reply, so stopping waits only for a reply still being written; one
        // whose client stopped reading is cut after the grace period.
        using var grace = new CancellationTokenSource(StopGrace);
        await _server.StopAsync(grace.Token);
        _server.Dispose();
    }

    /// <summary>Kestrel's application: one <see cref="HttpContext"/> per request, handed to <see cref="ServeAsync"/>.</summary>
    private sealed class Application(CannedReplyServer owner) : IHttpApplication<HttpContext>
    {
        public HttpContext CreateContext(IFeatureCollection contextFeatures) => new DefaultHttpContext(contextFeatures);

        public Task ProcessRequestAsync(HttpContext context) => owner.ServeAsync(context);

        public void DisposeContext(HttpContext context, Exception? exception) { }
    }
}
