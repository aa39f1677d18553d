using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;

namespace VoiceAgent.Tests.TestSupport;

/// <summary>
/// A TCP server on 127.0.0.1 whose test writes every response byte itself: each accepted connection is handed to the
/// test as a <see cref="RawHttpPeer"/> (read a request, write raw bytes, close), so framing, keep-alive and closes can
/// be scripted exactly.
/// </summary>
internal sealed class RawHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Channel<RawHttpPeer> _accepted = Channel.CreateUnbounded<RawHttpPeer>();
    private readonly List<RawHttpPeer> _peers = [];
    private readonly Task _accepting;
    private int _count;

    public RawHttpServer()
    {
        _listener.Start();
        BaseUrl = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");
        _accepting = AcceptLoopAsync();
    }

    public Uri BaseUrl { get; }

    /// <summary>Connections accepted so far.</summary>
    public int Accepted => Volatile.Read(ref _count);

    /// <summary>The next connection accepted (in order).</summary>
    public Task<RawHttpPeer> NextConnectionAsync() => _accepted.Reader.ReadAsync().AsTask().DefaultTimeout();

    /// <summary>Whether a connection is waiting to be taken.</summary>
    public bool HasWaitingConnection => _accepted.Reader.Count > 0;

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        await _accepting.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        lock (_peers) foreach (var peer in _peers) peer.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (true)
        {
            var client = await _listener.AcceptTcpClientAsync();
            Interlocked.Increment(ref _count);
            var peer = new RawHttpPeer(client);
            lock (_peers) _peers.Add(peer);
            _accepted.Writer.TryWrite(peer);
        }
    }
}

/// <summary>One accepted connection of a <see cref="RawHttpServer"/>.</summary>
internal sealed class RawHttpPeer(TcpClient client) : IDisposable
{
    private readonly NetworkStream _stream = client.GetStream();
    private readonly List<byte> _pending = [];

    /// <summary>The next request (head and its Content-Length body) as text.</summary>
    public async Task<string> ReadRequestAsync()
    {
        var buffer = new byte[4096];
        for (var reads = 0; reads < 1000; reads++)
        {
            var text = Encoding.Latin1.GetString(_pending.ToArray());
            var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end >= 0)
            {
                var length = 0;
                foreach (var line in text[..end].Split("\r\n"))
                    if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase)) length = int.Parse(line[15..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
                if (_pending.Count >= end + 4 + length)
                {
                    _pending.RemoveRange(0, end + 4 + length);
                    return text[..(end + 4 + length)];
                }
            }
            var read = await _stream.ReadAsync(buffer).AsTask().DefaultTimeout();
            if (read == 0) throw new IOException("The client closed the connection before a whole request arrived.");
            _pending.AddRange(buffer.AsSpan(0, read).ToArray());
        }
        throw new InvalidOperationException("No whole request within 1000 reads.");
    }

    public Task WriteAsync(string text) => _stream.WriteAsync(Encoding.Latin1.GetBytes(text)).AsTask().DefaultTimeout();

    /// <summary>Completes when the client closes the connection (true), or false if it sent bytes instead.</summary>
    public async Task<bool> ClosedByClientAsync()
    {
        var buffer = new byte[256];
        try
        {
            return await _stream.ReadAsync(buffer).AsTask().DefaultTimeout() == 0;
        }
        catch (IOException)
        {
            return true; // reset
        }
    }

    public void Dispose() => client.Dispose();
}
