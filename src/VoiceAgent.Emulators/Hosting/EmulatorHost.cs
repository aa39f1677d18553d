using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace VoiceAgent.Emulators.Hosting;

/// <summary>
/// A local stand-in for an external service: a real Kestrel server bound to 127.0.0.1 (port 0 by
/// default, so tests run in parallel), speaking that service's documented wire format.
/// </summary>
public abstract class EmulatorHost : IAsyncDisposable
{
    private WebApplication? _app;
    private int _tcpConnections;

    /// <summary>TCP connections this emulator has accepted (HTTP keep-alive reuses one; a new connection means a new handshake).</summary>
    public int TcpConnectionsAccepted => Volatile.Read(ref _tcpConnections);

    /// <summary><c>http://127.0.0.1:{port}</c> once started.</summary>
    public Uri BaseUrl { get; private set; } = new("http://127.0.0.1:0");

    /// <summary><c>ws://127.0.0.1:{port}</c> once started.</summary>
    public Uri WebSocketBaseUrl => new($"ws://{BaseUrl.Authority}");

    /// <summary>
    /// <c>http://127.0.0.1:{port}</c> of a second endpoint serving HTTP/2 with prior knowledge (h2c) once started, for
    /// emulators that <see cref="ServesHttp2"/>; null otherwise. Kestrel speaks only HTTP/1.1 on a clear-text endpoint
    /// that allows both (there is no ALPN to choose with), so HTTP/2 gets a port of its own and <see cref="BaseUrl"/>
    /// stays HTTP/1.1.
    /// </summary>
    public Uri? Http2BaseUrl { get; private set; }

    /// <summary>Whether this emulator also listens for h2c on <see cref="Http2BaseUrl"/> (the real service speaks HTTP/2 over TLS).</summary>
    protected virtual bool ServesHttp2 => false;

    /// <summary>Maps the emulated service's routes.</summary>
    protected abstract void MapRoutes(WebApplication app);

    public async Task StartAsync(int port = 0, CancellationToken cancellationToken = default)
    {
        if (_app is not null) throw new InvalidOperationException("Emulator already started.");
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        ListenOptions? http2Endpoint = null;
        builder.WebHost.UseKestrel(o =>
        {
            o.Listen(System.Net.IPAddress.Loopback, port, listen => listen.Use(CountConnections));
            if (ServesHttp2)
            {
                o.Listen(System.Net.IPAddress.Loopback, 0, listen =>
                {
                    listen.Protocols = HttpProtocols.Http2;
                    listen.Use(CountConnections);
                    http2Endpoint = listen;
                });
            }
        });
        var app = builder.Build();
        app.UseWebSockets();
        MapRoutes(app);
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        BaseUrl = new Uri(address.Replace("localhost", "127.0.0.1", StringComparison.Ordinal));
        // Kestrel writes the port it bound back into the endpoint's options.
        if (http2Endpoint is not null) Http2BaseUrl = new Uri($"http://127.0.0.1:{http2Endpoint.IPEndPoint!.Port}");
        _app = app;
    }

    private ConnectionDelegate CountConnections(ConnectionDelegate next) => connection =>
    {
        Interlocked.Increment(ref _tcpConnections);
        return next(connection);
    };

    public async ValueTask DisposeAsync()
    {
        if (_app is null) return;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try { await _app.StopAsync(cts.Token); } catch (OperationCanceledException) { }
        await _app.DisposeAsync();
        _app = null;
        GC.SuppressFinalize(this);
    }
}
