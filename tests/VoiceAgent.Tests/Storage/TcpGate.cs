using System.Net;
using System.Net.Sockets;

namespace VoiceAgent.Tests.Storage;

/// <summary>
/// A loopback TCP forwarder to a real server that a test can close (refusing new connections and cutting open
/// ones: the database is "down") and open again on the same port (it is "back").
/// </summary>
internal sealed class TcpGate : IAsyncDisposable
{
    private readonly IPEndPoint _target;
    private readonly List<TcpClient> _open = [];
    private TcpListener? _listener;
    private CancellationTokenSource? _cts;
    private Task? _accepting;

    public TcpGate(IPEndPoint target)
    {
        _target = target;
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
    }

    public int Port { get; }

    public void Open()
    {
        _cts = new CancellationTokenSource();
        _listener = new TcpListener(IPAddress.Loopback, Port);
        _listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _listener.Start();
        _accepting = AcceptAsync(_listener, _cts.Token);
    }

    public async Task CloseAsync()
    {
        if (_listener is null) return;
        await _cts!.CancelAsync();
        _listener.Stop();
        try { await _accepting!; } catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException) { }
        lock (_open)
        {
            foreach (var client in _open) client.Dispose();
            _open.Clear();
        }
        _listener = null;
        _cts.Dispose();
    }

    private async Task AcceptAsync(TcpListener listener, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            var inbound = await listener.AcceptTcpClientAsync(ct);
            var outbound = new TcpClient();
            await outbound.ConnectAsync(_target, ct);
            lock (_open) { _open.Add(inbound); _open.Add(outbound); }
            _ = PumpAsync(inbound.GetStream(), outbound.GetStream(), ct);
            _ = PumpAsync(outbound.GetStream(), inbound.GetStream(), ct);
        }
    }

    private static async Task PumpAsync(NetworkStream from, NetworkStream to, CancellationToken ct)
    {
        try { await from.CopyToAsync(to, ct); }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException or SocketException) { }
        finally
        {
            try { to.Socket.Shutdown(SocketShutdown.Both); }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException) { }
        }
    }

    public async ValueTask DisposeAsync() => await CloseAsync();
}
