using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Threading.Channels;

namespace VoiceAgent.Providers.Http11;

/// <summary>
/// The keep-alive connections of one origin (scheme, host, port). An exchange rents an idle connection (checked that
/// the server has not closed it) or opens one; a response read to its end hands it back. A connection closed in the
/// middle of a response (barge-in: HTTP/1.1 cannot stop a response otherwise) is replaced by a spare opened in the
/// background, so the next turn does not connect on the caller's path; a request that finds no idle connection takes
/// a spare still connecting rather than opening another. Idle connections are closed after
/// <see cref="Http11HandlerOptions.IdleTimeout"/>, and not reused after <see cref="Http11HandlerOptions.Lifetime"/>.
/// </summary>
internal sealed class Http11ConnectionPool : IDisposable
{
    private readonly string _host;
    private readonly int _port;
    private readonly bool _https;
    private readonly Http11HandlerOptions _options;
    private readonly Channel<Http11Connection> _idle = Channel.CreateUnbounded<Http11Connection>();
    private readonly Channel<Spare> _spares = Channel.CreateUnbounded<Spare>();
    private readonly CancellationTokenSource _disposed = new();
    private readonly ITimer _scavenger;

    public Http11ConnectionPool(Uri origin, Http11HandlerOptions options)
    {
        _host = origin.IdnHost;
        _port = origin.Port;
        _https = origin.Scheme == Uri.UriSchemeHttps;
        _options = options;
        HostHeader = origin.IsDefaultPort ? _host : $"{_host}:{_port}";
        var every = options.IdleTimeout / 4;
        _scavenger = options.Clock.CreateTimer(static state => ((Http11ConnectionPool)state!).CloseExpired(), this, every, every);
    }

    /// <summary>The <c>Host</c> header's value for this origin.</summary>
    public string HostHeader { get; }

    /// <summary>An idle connection (reused = true) or a new one; throws <see cref="HttpRequestException"/> when none can be opened.</summary>
    public async ValueTask<(Http11Connection Connection, bool Reused)> RentAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
        if (TryTakeIdle(out var idle)) return (idle, true);
        while (_spares.Reader.TryRead(out var spare))
        {
            if (!spare.Claim())
            {
                // It finished first and went to the idle queue (or failed).
                if (TryTakeIdle(out idle)) return (idle, true);
                continue;
            }
            try
            {
                return (await spare.Connecting.WaitAsync(cancellationToken).ConfigureAwait(false), false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                _ = spare.Connecting.ContinueWith(static (t, state) =>
                {
                    if (t.IsCompletedSuccessfully) ((Http11ConnectionPool)state!).Return(t.Result);
                }, this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                throw;
            }
            catch (HttpRequestException)
            {
                // The spare could not connect: try on the caller's own connection below.
            }
        }
        return (await ConnectAsync(cancellationToken).ConfigureAwait(false), false);
    }

    /// <summary>A connection whose response was read to its end, with keep-alive: idle until the next request.</summary>
    public void Return(Http11Connection connection)
    {
        var now = _options.Clock.GetTimestamp();
        if (_disposed.IsCancellationRequested || _options.Clock.GetElapsedTime(connection.CreatedAt, now) >= _options.Lifetime)
        {
            connection.DisposeIdle();
            return;
        }
        connection.IdleSince = now;
        if (!_idle.Writer.TryWrite(connection)) connection.DisposeIdle();
    }

    /// <summary>Closes a connection in the middle of an exchange; with <paramref name="replace"/> a spare is opened in the background.</summary>
    public void Abort(Http11Connection connection, bool replace)
    {
        connection.Dispose();
        if (!replace || _disposed.IsCancellationRequested) return;
        var spare = new Spare(ConnectAsync(_disposed.Token));
        _spares.Writer.TryWrite(spare);
        _ = spare.Connecting.ContinueWith(static (t, state) =>
        {
            var (pool, s) = ((Http11ConnectionPool, Spare))state!;
            if (!s.Claim()) return; // a request took it
            if (t.IsCompletedSuccessfully) pool.Return(t.Result);
            else _ = t.Exception; // observed: the next request connects itself
        }, (this, spare), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    public void Dispose()
    {
        if (_disposed.IsCancellationRequested) return;
        _disposed.Cancel();
        _scavenger.Dispose();
        while (_idle.Reader.TryRead(out var connection)) connection.DisposeIdle();
    }

    private bool TryTakeIdle(out Http11Connection connection)
    {
        while (_idle.Reader.TryRead(out connection!))
        {
            var now = _options.Clock.GetTimestamp();
            if (_options.Clock.GetElapsedTime(connection.IdleSince, now) < _options.IdleTimeout
                && _options.Clock.GetElapsedTime(connection.CreatedAt, now) < _options.Lifetime
                && connection.IsReusable())
                return true;
            connection.DisposeIdle();
        }
        return false;
    }

    /// <summary>The scavenger: closes the idle connections past their idle time or lifetime (the rest go back).</summary>
    private void CloseExpired()
    {
        var count = _idle.Reader.Count;
        for (var i = 0; i < count && _idle.Reader.TryRead(out var connection); i++)
        {
            var now = _options.Clock.GetTimestamp();
            if (_options.Clock.GetElapsedTime(connection.IdleSince, now) >= _options.IdleTimeout
                || _options.Clock.GetElapsedTime(connection.CreatedAt, now) >= _options.Lifetime
                || _disposed.IsCancellationRequested)
                connection.DisposeIdle();
            else if (!_idle.Writer.TryWrite(connection))
                connection.DisposeIdle();
        }
    }

    private async Task<Http11Connection> ConnectAsync(CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(_options.ConnectTimeout);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        Stream? stream = null;
        try
        {
            await socket.ConnectAsync(new DnsEndPoint(_host, _port), limit.Token).ConfigureAwait(false);
            stream = new NetworkStream(socket, ownsSocket: true);
            if (_https)
            {
                var tls = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = tls;
                await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
                {
                    TargetHost = _host,
                    ApplicationProtocols = [SslApplicationProtocol.Http11],
                    RemoteCertificateValidationCallback = _options.ServerCertificateValidation,
                }, limit.Token).ConfigureAwait(false);
            }
            return new Http11Connection(socket, stream, _options.Clock.GetTimestamp());
        }
        catch (Exception ex)
        {
            if (stream is not null) await stream.DisposeAsync().ConfigureAwait(false);
            socket.Dispose();
            if (ex is OperationCanceledException && cancellationToken.IsCancellationRequested) throw;
            if (ex is OperationCanceledException)
                throw new HttpRequestException(HttpRequestError.ConnectionError,
                    $"Connecting to {HostHeader} took longer than {_options.ConnectTimeout.TotalSeconds:0.###} s.", new TimeoutException("Connect timed out.", ex));
            if (ex is System.Security.Authentication.AuthenticationException)
                throw new HttpRequestException(HttpRequestError.SecureConnectionError, $"The TLS handshake with {HostHeader} failed: {ex.Message}", ex);
            throw new HttpRequestException(HttpRequestError.ConnectionError, $"Could not connect to {HostHeader}: {ex.Message}", ex);
        }
    }

    /// <summary>A connection being opened in the background; whoever claims it first (a request, or its own completion) owns it.</summary>
    private sealed class Spare(Task<Http11Connection> connecting)
    {
        private int _claimed;

        public Task<Http11Connection> Connecting { get; } = connecting;

        public bool Claim() => Interlocked.Exchange(ref _claimed, 1) == 0;
    }
}
