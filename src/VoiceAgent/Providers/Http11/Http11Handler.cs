using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace VoiceAgent.Providers.Http11;

/// <summary>
/// A lean HTTP/1.1 client handler for the model lanes (in place of <see cref="SocketsHttpHandler"/> when the lane
/// speaks HTTP/1.1 and no proxy applies): keep-alive connections per origin (<see cref="Http11ConnectionPool"/>),
/// TLS with ALPN <c>http/1.1</c> for https, one write per request (<see cref="Http11RequestWriter"/>), the response
/// head parsed from the connection's buffer (<see cref="Http11ResponseHead"/>) and the body read without an
/// allocation per read (<see cref="Http11BodyStream"/>). Failures surface as SocketsHttpHandler's do: connecting and
/// sending as <see cref="HttpRequestException"/> (the cause inside), a body cut short as <see cref="HttpIOException"/>,
/// the caller's cancellation as <see cref="OperationCanceledException"/>; a request that finds its reused idle
/// connection closed by the server before any response byte is sent once more on a new connection, as
/// SocketsHttpHandler does. Not handled (never used by the model clients): redirects, cookies, decompression,
/// <c>Expect: 100-continue</c>, proxies (the factory keeps SocketsHttpHandler when one applies). The runtime's HTTP
/// client telemetry (duration histogram, client span, trace context) is kept by <see cref="Http11Telemetry"/>.
/// </summary>
internal sealed class Http11Handler(Http11HandlerOptions options) : HttpMessageHandler
{
    private readonly ConcurrentDictionary<string, Http11ConnectionPool> _pools = new(StringComparer.Ordinal);
    private readonly Lock _creating = new();
    private readonly Http11Telemetry _telemetry = new();
    private LastPool? _last;
    private bool _disposed;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var pool = PoolFor(request.RequestUri);
        var started = Stopwatch.GetTimestamp();
        var activity = _telemetry.StartActivity(request);
        try
        {
            var response = await SendCoreAsync(pool, request, cancellationToken).ConfigureAwait(false);
            _telemetry.Stop(request, activity, started, (int)response.StatusCode, error: null);
            return response;
        }
        catch (Exception ex)
        {
            _telemetry.Stop(request, activity, started, status: null, ex);
            throw;
        }
    }

    private async Task<HttpResponseMessage> SendCoreAsync(Http11ConnectionPool pool, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var headRequest = request.Method == HttpMethod.Head;
        for (var attempt = 0; ; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (connection, reused) = await pool.RentAsync(cancellationToken).ConfigureAwait(false);
            var responseStarted = false;
            try
            {
                var length = await Http11RequestWriter.WriteAsync(connection, request, pool.HostHeader, cancellationToken).ConfigureAwait(false);
                await connection.Stream.WriteAsync(connection.SendBuffer(length).AsMemory(0, length), cancellationToken).ConfigureAwait(false);
                connection.Requests++;
                while (true)
                {
                    if (TryTakeResponse(request, pool, connection, headRequest) is { } response) return response;
                    var space = connection.ReceiveSpace(options.MaxResponseHeadBytes);
                    if (space.IsEmpty) throw new HttpIOException(HttpRequestError.ConfigurationLimitExceeded, $"The response head is longer than {options.MaxResponseHeadBytes} bytes.");
                    var read = await connection.Stream.ReadAsync(space, cancellationToken).ConfigureAwait(false);
                    if (read == 0) throw new HttpIOException(HttpRequestError.ResponseEnded, "The server closed the connection before the response head was complete.");
                    responseStarted = true;
                    connection.ReceivedEnd += read;
                }
            }
            catch (Exception ex)
            {
                pool.Abort(connection, replace: cancellationToken.IsCancellationRequested);
                if (cancellationToken.IsCancellationRequested) throw new TaskCanceledException("The request was cancelled.", ex, cancellationToken);
                if (reused && !responseStarted && attempt == 0 && ex is IOException or SocketException) continue;
                if (ex is HttpRequestException) throw;
                throw new HttpRequestException(ex is HttpIOException io ? io.HttpRequestError : HttpRequestError.Unknown, "An error occurred while sending the request.", ex);
            }
        }
    }

    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
        => throw new NotSupportedException("The model HTTP/1.1 handler is asynchronous only.");

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            foreach (var pool in _pools.Values) pool.Dispose();
            _telemetry.Dispose();
        }
        base.Dispose(disposing);
    }

    /// <summary>The response, once its whole head was received (interim 1xx heads skipped); null when more bytes are needed.</summary>
    private static HttpResponseMessage? TryTakeResponse(HttpRequestMessage request, Http11ConnectionPool pool, Http11Connection connection, bool headRequest)
    {
        while (Http11ResponseHead.TryParse(connection.Received, out var head, out var headLength))
        {
            connection.ReceivedStart += headLength;
            if (head.Status == 101) throw new HttpIOException(HttpRequestError.InvalidResponse, "The server switched protocols on a request that did not ask it to.");
            if (head.Status < 200) continue; // an interim response: the final one follows
            var (framing, contentLength, keepAlive) = head.Framing(headRequest);
            if (request.Headers.ConnectionClose == true) keepAlive = false;
            var response = new HttpResponseMessage((HttpStatusCode)head.Status)
            {
                Version = head.MinorVersion == 0 ? HttpVersion.Version10 : HttpVersion.Version11,
                RequestMessage = request,
                Content = new Http11ResponseContent(new Http11BodyStream(pool, connection, framing, contentLength, keepAlive)),
            };
            head.CopyFields(response);
            return response;
        }
        return null;
    }

    /// <summary>The pool of the request's origin; the last one used is found without building its key (a lane asks one URI).</summary>
    private Http11ConnectionPool PoolFor(Uri? uri)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_last is { } last && ReferenceEquals(last.Uri, uri)) return last.Pool;
        if (uri is null || !uri.IsAbsoluteUri || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            throw new NotSupportedException($"The model HTTP/1.1 handler sends only to absolute http or https URIs (was '{uri}').");
        var key = uri.GetLeftPart(UriPartial.Authority);
        if (!_pools.TryGetValue(key, out var pool))
        {
            lock (_creating)
            {
                // Created under the lock: a pool owns a timer, so a second one built by a racing request would leak it.
                if (!_pools.TryGetValue(key, out pool))
                {
                    pool = new Http11ConnectionPool(uri, options);
                    _pools[key] = pool;
                }
            }
        }
        _last = new LastPool(uri, pool);
        return pool;
    }

    private sealed record LastPool(Uri Uri, Http11ConnectionPool Pool);
}
