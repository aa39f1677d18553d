using System.Net.WebSockets;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace VoiceAgent.Hosting.Warmup;

/// <summary>An upgrade that hands the connection handler an in-process WebSocket instead of Kestrel's.</summary>
internal sealed class InMemoryWebSocketFeature(WebSocket socket) : IHttpWebSocketFeature
{
    public bool IsWebSocketRequest => true;

    public Task<WebSocket> AcceptAsync(WebSocketAcceptContext context) => Task.FromResult(socket);
}
