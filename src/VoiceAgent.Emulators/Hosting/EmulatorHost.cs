using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
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

    /// <summary>Maps the emulated service's routes.</summary>
    protected abstract void MapRoutes(WebApplication app);

    public async Task StartAsync(int port = 0, CancellationToken cancellationToken = default)
    {
        if (_app is not null) throw new InvalidOperationException("Emulator already started.");
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(System.Net.IPAddress.Loopback, port, listen => listen.Use(next => connection =>
        {
            Interlocked.Increment(ref _tcpConnections);
            return next(connection);
        })));
        var app = builder.Build();
        app.UseWebSockets();
        MapRoutes(app);
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        BaseUrl = new Uri(address.Replace("localhost", "127.0.0.1", StringComparison.Ordinal));
        _app = app;
    }

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
