using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using VoiceAgent.Emulators.Hosting;

namespace VoiceAgent.Tests.EmulatorsTests.TestServer;

/// <summary>
/// A minimal WebSocket server on 127.0.0.1 standing in for the voice-agent server: accepts upgrades on any
/// path, records the upgrade headers and every message with its arrival time, and lets the test script replies.
/// </summary>
internal sealed class ScriptedWebSocketServer : EmulatorHost
{
    private readonly Channel<ServerSideConnection> _connections = Channel.CreateUnbounded<ServerSideConnection>();

    /// <summary>The next connection accepted.</summary>
    public ValueTask<ServerSideConnection> AcceptAsync(CancellationToken cancellationToken) => _connections.Reader.ReadAsync(cancellationToken);

    /// <summary>Where a caller connects for <paramref name="path"/>.</summary>
    public Uri Url(string path) => new(WebSocketBaseUrl, path);

    protected override void MapRoutes(WebApplication app) => app.Map("/{**path}", (RequestDelegate)HandleAsync);

    private async Task HandleAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }
        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var connection = new ServerSideConnection(socket, context.Request.Path.Value ?? "", headers);
        _connections.Writer.TryWrite(connection);
        await connection.RunAsync(context.RequestAborted);
    }
}
