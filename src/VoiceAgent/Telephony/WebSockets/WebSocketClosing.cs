using System.Net.WebSockets;

namespace VoiceAgent.Telephony.WebSockets;

/// <summary>Ends a carrier socket at the end of a call: a close handshake bounded to two seconds, else an abort.</summary>
internal static class WebSocketClosing
{
    public static async Task CloseQuietlyAsync(WebSocket socket, WebSocketCloseStatus status, string reason)
    {
        if (socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived)) return;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try { await socket.CloseAsync(status, reason, timeout.Token); }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException) { socket.Abort(); }
    }

    /// <summary>Sends our close frame without waiting for the peer's (a read may still be pending on the socket).</summary>
    public static async Task CloseOutputQuietlyAsync(WebSocket socket, WebSocketCloseStatus status, string reason)
    {
        if (socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived)) return;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try { await socket.CloseOutputAsync(status, reason, timeout.Token); }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException) { socket.Abort(); }
    }
}
