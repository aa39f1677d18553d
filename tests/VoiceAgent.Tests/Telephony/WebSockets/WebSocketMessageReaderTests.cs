using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using VoiceAgent.Telephony.WebSockets;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.Telephony.WebSockets;

/// <summary>
/// Whole messages off a real socket (a WebSocket pair over TCP on 127.0.0.1) into a buffer that starts small and grows
/// only when a message needs it, up to the limit, rented from the pool only from a message's arrival to the next read.
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

    [Fact]
    public async Task The_buffer_goes_back_to_the_pool_while_the_reader_waits_for_the_next_message()
    {
        await using var pair = await SocketPair.OpenAsync();
        var pool = new CountingArrayPool();
        using var reader = new WebSocketMessageReader(pair.Server, maxMessageBytes: 4096, initialBytes: 64, pool);

        await pair.Client.SendAsync("first"u8.ToArray(), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None).DefaultTimeout();
        var first = await reader.ReadAsync(CancellationToken.None).AsTask().DefaultTimeout();
        Assert.Equal("first", Encoding.UTF8.GetString(first.Payload.Span));
        Assert.Equal(1, pool.Outstanding); // the payload is the caller's until the next read

        var waiting = reader.ReadAsync(CancellationToken.None).AsTask();
        Assert.False(waiting.IsCompleted);
        Assert.Equal(0, pool.Outstanding); // idle: nothing rented while no frame arrived
        Assert.False(reader.HoldsBuffer);

        await pair.Client.SendAsync("second"u8.ToArray(), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None).DefaultTimeout();
        var second = await waiting.DefaultTimeout();
        Assert.Equal("second", Encoding.UTF8.GetString(second.Payload.Span));
        Assert.Equal(1, pool.Outstanding);
    }

    [Fact]
    public async Task Dispose_returns_the_buffer_of_the_last_message_to_the_pool()
    {
        await using var pair = await SocketPair.OpenAsync();
        var pool = new CountingArrayPool();
        var reader = new WebSocketMessageReader(pair.Server, maxMessageBytes: 4096, initialBytes: 16, pool);
        var text = string.Concat(Enumerable.Range(0, 40).Select(i => $"w{i} ")); // grows the buffer twice

        await pair.Client.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None).DefaultTimeout();
        var message = await reader.ReadAsync(CancellationToken.None).AsTask().DefaultTimeout();
        Assert.Equal(text, Encoding.UTF8.GetString(message.Payload.Span));
        reader.Dispose();

        Assert.Equal(0, pool.Outstanding);
        Assert.True(pool.Rented >= 3);
    }

    [Fact]
    public async Task An_empty_message_is_read_as_one_and_the_next_message_follows_it()
    {
        await using var pair = await SocketPair.OpenAsync();
        var pool = new CountingArrayPool();
        using var reader = new WebSocketMessageReader(pair.Server, maxMessageBytes: 4096, initialBytes: 64, pool);

        await pair.Client.SendAsync(ReadOnlyMemory<byte>.Empty, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None).DefaultTimeout();
        await pair.Client.SendAsync("after"u8.ToArray(), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None).DefaultTimeout();

        var empty = await reader.ReadAsync(CancellationToken.None).AsTask().DefaultTimeout();
        Assert.Equal(WebSocketMessageType.Text, empty.Type);
        Assert.True(empty.Payload.IsEmpty);
        Assert.False(empty.IsClose);
        Assert.Equal(0, pool.Outstanding);
        var after = await reader.ReadAsync(CancellationToken.None).AsTask().DefaultTimeout();
        Assert.Equal("after", Encoding.UTF8.GetString(after.Payload.Span));
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
