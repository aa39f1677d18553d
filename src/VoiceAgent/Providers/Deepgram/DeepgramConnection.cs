using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using VoiceAgent.Speech;

namespace VoiceAgent.Providers.Deepgram;

/// <summary>
/// One open socket of a session and its receive loop. The session's pump is the only sender; the loop is
/// the only receiver. The loop turns server messages into <see cref="SpeechEvent"/>s and, when it ends for
/// any reason, trips <see cref="Lost"/> so the pump notices.
/// </summary>
internal sealed class DeepgramConnection : IDisposable
{
    private const int MaxMessageBytes = 1 << 20;

    private readonly ClientWebSocket _socket;
    private readonly ConnectionContext _context;
    private readonly CancellationTokenSource _stop;
    private readonly CancellationTokenSource _lost = new();
    private string? _serverError;

    /// <summary>What the receive loop needs from its session.</summary>
    /// <param name="StartPosition">Session audio position (bytes) that this socket's stream time 0 corresponds to.</param>
    /// <param name="BytesPerSecond">Audio byte rate, or null when result times cannot be mapped to positions.</param>
    /// <param name="OnFinalized">Called with the session audio position up to which a final result settled the transcript.</param>
    public sealed record ConnectionContext(
        int Session,
        int Number,
        long StartPosition,
        int? BytesPerSecond,
        ChannelWriter<SpeechEvent> Events,
        Action<long> OnFinalized,
        ILogger Logger,
        TimeProvider Time);

    public DeepgramConnection(ClientWebSocket socket, ConnectionContext context, CancellationToken sessionLifetime)
    {
        _socket = socket;
        _context = context;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(sessionLifetime);
        StreamOffset = context.BytesPerSecond is int rate ? TimeSpan.FromSeconds((double)context.StartPosition / rate) : TimeSpan.Zero;
        Completion = Task.Run(ReceiveLoopAsync, CancellationToken.None);
    }

    public int Number => _context.Number;

    /// <summary>Session time of this socket's stream time 0.</summary>
    public TimeSpan StreamOffset { get; }

    /// <summary>Cancelled once the receive loop has ended.</summary>
    public CancellationToken Lost => _lost.Token;

    /// <summary>Completes with the reason the receive loop ended; never faults.</summary>
    public Task<DeepgramConnectionEnd> Completion { get; }

    public ValueTask SendAudioAsync(ReadOnlyMemory<byte> audio, CancellationToken cancellationToken)
        => _socket.SendAsync(audio, WebSocketMessageType.Binary, endOfMessage: true, cancellationToken);

    public ValueTask SendTextAsync(ReadOnlyMemory<byte> utf8, CancellationToken cancellationToken)
        => _socket.SendAsync(utf8, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);

    /// <summary>Answers the server's close frame (or starts the close handshake) with 1000, bounded by <paramref name="cancellationToken"/>.</summary>
    public async Task CloseOutputAsync(CancellationToken cancellationToken)
    {
        if (_socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived)) return;
        try
        {
            await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, cancellationToken);
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            _socket.Abort();
        }
    }

    /// <summary>Aborts the socket and stops the receive loop (including a pending event write).</summary>
    public void Abort()
    {
        _socket.Abort();
        _stop.Cancel();
    }

    public void Dispose()
    {
        _socket.Dispose();
        _stop.Dispose();
        _lost.Dispose();
    }

    private async Task<DeepgramConnectionEnd> ReceiveLoopAsync()
    {
        var token = _stop.Token;
        var message = new ArrayBufferWriter<byte>(4096);
        var oversized = false;
        try
        {
            while (true)
            {
                var result = await _socket.ReceiveAsync(message.GetMemory(4096), token);
                if (result.MessageType == WebSocketMessageType.Close)
                    return DeepgramConnectionEnd.ClosedByServer(_socket.CloseStatus, _socket.CloseStatusDescription, _serverError);

                message.Advance(result.Count);
                if (message.WrittenCount > MaxMessageBytes)
                {
                    oversized = true;
                    message.ResetWrittenCount();
                }
                if (!result.EndOfMessage) continue;

                var receivedAt = _context.Time.GetTimestamp();
                if (oversized) DeepgramLog.OversizedMessage(_context.Logger, _context.Session, MaxMessageBytes);
                else if (result.MessageType == WebSocketMessageType.Text && Handle(message.WrittenSpan, receivedAt) is { } speechEvent)
                    await _context.Events.WriteAsync(speechEvent, token);
                message.ResetWrittenCount();
                oversized = false;
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            return DeepgramConnectionEnd.Stopped;
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException or InvalidOperationException or ChannelClosedException)
        {
            return token.IsCancellationRequested ? DeepgramConnectionEnd.Stopped : DeepgramConnectionEnd.Dropped(ex);
        }
        finally
        {
            _lost.Cancel();
        }
    }

    private SpeechEvent? Handle(ReadOnlySpan<byte> utf8, long receivedAt)
    {
        DeepgramInboundMessage parsed;
        try
        {
            parsed = DeepgramMessageParser.Parse(utf8, StreamOffset, receivedAt);
        }
        catch (JsonException ex)
        {
            DeepgramLog.MalformedMessage(_context.Logger, _context.Session, _context.Number, utf8.Length, ex.Message);
            return null;
        }

        if (parsed.FinalizedThroughSeconds is double end && _context.BytesPerSecond is int rate)
            _context.OnFinalized(_context.StartPosition + (long)(end * rate));

        switch (parsed.Kind)
        {
            case DeepgramInboundKind.Metadata:
                DeepgramLog.MetadataReceived(_context.Logger, _context.Session, parsed.Detail);
                break;
            case DeepgramInboundKind.Error:
                _serverError = parsed.Detail;
                DeepgramLog.ServerError(_context.Logger, _context.Session, parsed.Detail);
                break;
            case DeepgramInboundKind.Unknown:
                DeepgramLog.UnknownMessage(_context.Logger, _context.Session, parsed.Detail);
                break;
        }
        return parsed.Event;
    }
}
