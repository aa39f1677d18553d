using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using VoiceAgent.Telephony.WebSockets;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.Telephony.WebSockets;

/// <summary>
/// Whole messages off a real socket (a WebSocket pair over TCP on 127.0.0.1) into a buffer that starts small and grows
/// only when a message needs it, up to the limit.
/// </summary>
public sealed class WebSocketMessageReaderTests
{
    [Fact]
    public async Task A_message_larger_than_the_initial_buffer_is_read_whole()
    {
        await using var pair = await SocketPair.OpenAsync();
        using var reader = new WebSocketMessageReader(pair.Server, maxMessageBytes: 4096, initialBytes: 16);
        var text = string.Concat(Enumerable.Range(0, 150).Select(i => $"w{i} "));

        await pair.Client.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None).DefaultTimeout();
        var message = await reader.ReadAsync(CancellationToken.None).AsTask().DefaultTimeout();

        Assert.False(message.TooLarge);
        Assert.Equal(text, Encoding.UTF8.GetString(message.Payload.Span));
    }

    [Fact]
    public async Task A_message_over_the_limit_is_reported_too_large_and_the_next_one_is_read()
    {
        await using var pair = await SocketPair.OpenAsync();
        using var reader = new WebSocketMessageReader(pair.Server, maxMessageBytes: 256, initialBytes: 16);

        await pair.Client.SendAsync(new byte[1000], WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None).DefaultTimeout();
        await pair.Client.SendAsync("next"u8.ToArray(), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None).DefaultTimeout();

        Assert.True((await reader.ReadAsync(CancellationToken.None).AsTask().DefaultTimeout()).TooLarge);
        var next = await reader.ReadAsync(CancellationToken.None).AsTask().DefaultTimeout();
        Assert.Equal("next", Encoding.UTF8.GetString(next.Payload.Span));
    }

    /// <summary>A client and a server WebSocket over one TCP connection on the loopback.</summary>
    private sealed class SocketPair : IAsyncDisposable
    {
        private readonly TcpClient _client;
        private readonly TcpClient _server;

        private SocketPair(TcpClient client, TcpClient server)
        {
            (_client, _server) = (client, server);
            var options = new WebSocketCreationOptions { KeepAliveInterval = Timeout.InfiniteTimeSpan };
            Client = WebSocket.CreateFromStream(client.GetStream(), options);
            Server = WebSocket.CreateFromStream(server.GetStream(), new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = Timeout.InfiniteTimeSpan });
        }

        public WebSocket Client { get; }
        public WebSocket Server { get; }

        public static async Task<SocketPair> OpenAsync()
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            try
            {
                var client = new TcpClient();
                var accepting = listener.AcceptTcpClientAsync();
                await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port).DefaultTimeout();
                return new SocketPair(client, await accepting.DefaultTimeout());
            }
            finally
            {
                listener.Stop();
            }
        }

        public ValueTask DisposeAsync()
        {
            Client.Dispose();
            Server.Dispose();
            _client.Dispose();
            _server.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
