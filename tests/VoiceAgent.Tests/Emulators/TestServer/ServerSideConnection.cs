using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Threading.Channels;

namespace VoiceAgent.Tests.EmulatorsTests.TestServer;

/// <summary>The server's end of one emulated call: received messages in order, and scripted sends.</summary>
internal sealed class ServerSideConnection(WebSocket socket, string path, IReadOnlyDictionary<string, string> headers)
{
    private readonly Channel<ServerReceivedMessage> _messages = Channel.CreateUnbounded<ServerReceivedMessage>();
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Path { get; } = path;

    /// <summary>Upgrade request headers (case-insensitive names).</summary>
    public IReadOnlyDictionary<string, string> Headers { get; } = headers;

    /// <summary>The close status the caller sent, once closed.</summary>
    public WebSocketCloseStatus? CloseStatus => socket.CloseStatus;

    /// <summary>Completes when the caller closed the socket (or it broke).</summary>
    public Task Closed => _closed.Task;

    /// <summary>The next message from the caller; throws <see cref="ChannelClosedException"/> after the close.</summary>
    public ValueTask<ServerReceivedMessage> ReadAsync(CancellationToken cancellationToken) => _messages.Reader.ReadAsync(cancellationToken);

    /// <summary>A message already received, if any.</summary>
    public bool TryRead(out ServerReceivedMessage message) => _messages.Reader.TryRead(out message!);

    /// <summary>Reads messages until one satisfies <paramref name="match"/> (at most <paramref name="limit"/> messages).</summary>
    public async Task<ServerReceivedMessage> ReadUntilAsync(Func<ServerReceivedMessage, bool> match, CancellationToken cancellationToken, int limit = 5000)
    {
        for (var i = 0; i < limit; i++)
        {
            var message = await ReadAsync(cancellationToken);
            if (match(message)) return message;
        }
        throw new InvalidOperationException($"No matching message within {limit} messages.");
    }

    public Task SendTextAsync(string text, CancellationToken cancellationToken) => SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, cancellationToken);

    public Task SendBinaryAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken) => SendAsync(bytes, WebSocketMessageType.Binary, cancellationToken);

    public async Task SendAsync(ReadOnlyMemory<byte> bytes, WebSocketMessageType type, CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken);
        try { await socket.SendAsync(bytes, type, endOfMessage: true, cancellationToken); }
        finally { _sendLock.Release(); }
    }

    /// <summary>Closes from the server side, as a server ending the call would.</summary>
    public async Task CloseAsync(CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken);
        try { await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "server done", cancellationToken); }
        finally { _sendLock.Release(); }
        await _closed.Task.WaitAsync(cancellationToken);
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var length = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    if (length == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2);
                    result = await socket.ReceiveAsync(buffer.AsMemory(length), cancellationToken);
                    length += result.Count;
                } while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    if (socket.State == WebSocketState.CloseReceived)
                    {
                        await _sendLock.WaitAsync(cancellationToken);
                        try { await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", cancellationToken); }
                        finally { _sendLock.Release(); }
                    }
                    return;
                }
                _messages.Writer.TryWrite(new ServerReceivedMessage(result.MessageType, buffer.AsSpan(0, length).ToArray(), Stopwatch.GetTimestamp()));
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
        }
        finally
        {
            _messages.Writer.TryComplete();
            _closed.TrySetResult();
        }
    }
}
