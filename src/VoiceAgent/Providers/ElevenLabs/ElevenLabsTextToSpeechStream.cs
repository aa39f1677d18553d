using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using VoiceAgent.Speech;
using Log = VoiceAgent.Providers.ElevenLabs.ElevenLabsTextToSpeech.Log;

namespace VoiceAgent.Providers.ElevenLabs;

/// <summary>
/// One stream-input socket = one reply. A background loop reads the socket from the moment it opens and
/// hands audio to <see cref="ReadAudioAsync"/> through a channel, so a server error is known even while
/// the caller is still sending text. Disposing before the final message is barge-in: the audio channel
/// completes at once (readers end), a close frame goes out if the socket is free, and the socket is aborted
/// without waiting for the server.
/// </summary>
/// <remarks>
/// One writer (<see cref="SendTextAsync"/> then <see cref="CompleteAsync"/>) and one reader; disposal may
/// race both.
/// </remarks>
internal sealed class ElevenLabsTextToSpeechStream : ITextToSpeechStream
{
    private const int InitialReceiveBufferBytes = 16 * 1024;
    private const int MaxMessageBytes = 16 * 1024 * 1024;

    /// <summary>How long a failed send waits for the receive loop to explain the failure (error frame, close code).</summary>
    private static readonly TimeSpan SendFailureGrace = TimeSpan.FromMilliseconds(250);

    /// <summary>Bound on the close frame sent when the stream is abandoned (barge-in).</summary>
    private static readonly TimeSpan AbandonCloseBudget = TimeSpan.FromMilliseconds(100);

    /// <summary>Bound on the close handshake after the final message.</summary>
    private static readonly TimeSpan FinishedCloseBudget = TimeSpan.FromSeconds(1);

    private readonly ClientWebSocket _socket;
    private readonly ILogger _logger;
    private readonly TimeProvider _clock;
    private readonly CancellationTokenSource _lifetime = new();
    // A few chunks ahead of the reader only: the audio pipeline stops reading while its playout queue is full (a carrier
    // that does not drain), and then this loop must stop reading the socket too, so the provider is backpressured
    // instead of the reply piling up here (256 chunks held a minute of audio per stalled call).
    // Synchronous continuations: a chunk read off the socket goes on to the reader on this thread when the reader waits
    // (no thread-pool hop before the reply's first audio reaches the pipeline); a reader that is not ready lets this
    // loop go on reading.
    private readonly Channel<SpeechAudioChunk> _audio = Channel.CreateBounded<SpeechAudioChunk>(
        new BoundedChannelOptions(8) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait, AllowSynchronousContinuations = true });
    private readonly WordBoundaryTextBuffer _text = new();
    private readonly FirstPhraseDetector? _firstPhrase;
    private readonly ArrayBufferWriter<byte> _sendBuffer = new(512);
    private readonly long _openedAt;

    private Task _receiveLoop = Task.CompletedTask;
    private ElevenLabsException? _failure;
    private int _sending;
    private int _readerTaken;
    private int _disposed;
    private volatile bool _completed;
    private volatile bool _finalReceived;
    private volatile bool _abandoned;
    private long _firstTextAt;
    private int _chunks;
    private long _audioBytes;

    /// <param name="flushFirstPhrase">Ask for generation at the end of the first natural phrase (<see cref="FirstPhraseDetector"/>).</param>
    public ElevenLabsTextToSpeechStream(ClientWebSocket socket, ILogger logger, TimeProvider clock, TimeSpan connectTime, bool flushFirstPhrase = true)
    {
        _firstPhrase = flushFirstPhrase ? new FirstPhraseDetector() : null;
        _socket = socket;
        _logger = logger;
        _clock = clock;
        ConnectTime = connectTime;
        _openedAt = clock.GetTimestamp();
    }

    /// <summary>TCP/TLS connect plus WebSocket upgrade.</summary>
    internal TimeSpan ConnectTime { get; }

    /// <summary>From the first text frame sent to the first audio chunk received; null before audio.</summary>
    internal TimeSpan? FirstAudioLatency { get; private set; }

    /// <summary>When the first audio chunk was read off the socket (clock timestamp); 0 before audio.</summary>
    internal long FirstAudioAt { get; private set; }

    /// <summary>Sends the BOS frame and starts reading the socket.</summary>
    internal async Task StartAsync(ReadOnlyMemory<byte> beginFrame, CancellationToken cancellationToken)
    {
        await SendFrameAsync(beginFrame, cancellationToken);
        _receiveLoop = ReceiveLoopAsync(_lifetime.Token);
    }

    public async ValueTask SendTextAsync(string text, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(text);
        ThrowIfUnusable();
        if (_completed) throw new InvalidOperationException("The ElevenLabs stream is already complete; open a new stream for the next reply.");
        if (text.Length == 0) return;

        var ready = _text.Append(text);
        if (ready is null) return;
        if (_firstTextAt == 0) _firstTextAt = _clock.GetTimestamp();
        // The first phrase is spoken as soon as it is complete, not when the schedule's first threshold fills.
        await SendFrameAsync(new TextFrame(ready, Flush: _firstPhrase?.EndsFirstPhrase(ready) == true), cancellationToken);
    }

    public async ValueTask CompleteAsync(CancellationToken cancellationToken)
    {
        ThrowIfUnusable();
        if (_completed) return;
        _completed = true;
        if (_firstTextAt == 0) _firstTextAt = _clock.GetTimestamp();

        // The held partial word goes out with flush (generate now), then EOS (finish, send isFinal, close).
        await SendFrameAsync(new TextFrame(_text.Drain(), Flush: true), cancellationToken);
        await SendFrameAsync(new TextFrame(""), cancellationToken);
    }

    public IAsyncEnumerable<SpeechAudioChunk> ReadAudioAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _readerTaken, 1) == 1)
            throw new InvalidOperationException("ReadAudioAsync may be called once per stream.");
        return _audio.Reader.ReadAllAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;

        if (_finalReceived)
        {
            // Finished: the server closes right after isFinal; let the receive loop answer its close.
            try { await _receiveLoop.WaitAsync(FinishedCloseBudget, _clock); }
            catch (TimeoutException) { }
        }
        else if (Volatile.Read(ref _failure) is null && !_abandoned)
        {
            // Abandoned mid-reply (barge-in): readers end now, the server is told, nothing waits for EOS.
            _audio.Writer.TryComplete();
            Log.ClosedEarly(_logger, Volatile.Read(ref _chunks));
            await TrySendCloseFrameAsync();
        }

        await _lifetime.CancelAsync();
        _socket.Abort();
        await _receiveLoop;
        _audio.Writer.TryComplete();
        _socket.Dispose();
        _lifetime.Dispose();
    }

    private async Task TrySendCloseFrameAsync()
    {
        // Only if no send is in flight (a socket allows one send at a time); the flag stays set: no more sends.
        if (_socket.State != WebSocketState.Open || Interlocked.CompareExchange(ref _sending, 1, 0) != 0) return;
        using var budget = new CancellationTokenSource(AbandonCloseBudget, _clock);
        try
        {
            await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "client ended the stream", budget.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or IOException or ObjectDisposedException)
        {
            // The socket is aborted next either way.
        }
    }

    private async ValueTask SendFrameAsync(TextFrame frame, CancellationToken cancellationToken)
    {
        EnterSend();
        try
        {
            _sendBuffer.ResetWrittenCount();
            using (var writer = new Utf8JsonWriter(_sendBuffer))
            {
                JsonSerializer.Serialize(writer, frame, ElevenLabsJsonContext.Default.TextFrame);
            }

            await SendCoreAsync(_sendBuffer.WrittenMemory, cancellationToken);
        }
        finally
        {
            ExitSend();
        }
    }

    private async Task SendFrameAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken)
    {
        EnterSend();
        try
        {
            await SendCoreAsync(frame, cancellationToken);
        }
        finally
        {
            ExitSend();
        }
    }

    private void EnterSend()
    {
        if (Interlocked.CompareExchange(ref _sending, 1, 0) == 0) return;
        ThrowIfUnusable();
        throw new InvalidOperationException("Concurrent sends on one ElevenLabs stream: it has a single writer.");
    }

    // After disposal (or a server close) the flag stays set: no more sends on this socket.
    private void ExitSend()
    {
        if (Volatile.Read(ref _disposed) == 0 && !_abandoned) Volatile.Write(ref _sending, 0);
    }

    private async Task SendCoreAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken)
    {
        try
        {
            await _socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // A frame may be half written: the socket is unusable, so the stream is over (as on barge-in).
            Abandon();
            throw;
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
            throw await ExplainSendFailureAsync(ex);
        }
    }

    private void Abandon()
    {
        _abandoned = true;
        _audio.Writer.TryComplete();
        _socket.Abort();
    }

    private async Task<ElevenLabsException> ExplainSendFailureAsync(Exception sendError)
    {
        try { await _receiveLoop.WaitAsync(SendFailureGrace, _clock); }
        catch (TimeoutException) { }
        return Volatile.Read(ref _failure) ?? ElevenLabsException.Dropped(sendError);
    }

    private void ThrowIfUnusable()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        if (_abandoned) throw new OperationCanceledException("A cancelled send ended this ElevenLabs stream; open a new one.");
        if (Volatile.Read(ref _failure) is { } failure) throw failure;
    }

    private async Task ReceiveLoopAsync(CancellationToken cancellationToken)
    {
        await Task.Yield();
        var buffer = ArrayPool<byte>.Shared.Rent(InitialReceiveBufferBytes);
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length) buffer = Grow(buffer, length);
                var result = await _socket.ReceiveAsync(buffer.AsMemory(length), cancellationToken);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    await OnServerCloseAsync(cancellationToken);
                    return;
                }

                length += result.Count;
                if (!result.EndOfMessage) continue;
                if (result.MessageType != WebSocketMessageType.Text)
                    throw ElevenLabsException.Unreadable("a binary frame", null);

                var frame = JsonSerializer.Deserialize(buffer.AsSpan(0, length), ElevenLabsJsonContext.Default.ServerFrame)
                            ?? throw ElevenLabsException.Unreadable("a null message", null);
                length = 0;
                await OnFrameAsync(frame, cancellationToken);
            }
        }
        catch (ChannelClosedException)
        {
            // Disposed (readers released) or already failed while audio was being handed over.
        }
        catch (ElevenLabsException ex)
        {
            Fail(ex);
            _socket.Abort();
        }
        catch (JsonException ex)
        {
            Fail(ElevenLabsException.Unreadable(ex.Message, ex));
            _socket.Abort();
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or IOException or ObjectDisposedException)
        {
            // Our own abort (dispose, abandoned send) is not a failure; Fail ignores those too.
            if (!cancellationToken.IsCancellationRequested) Fail(ElevenLabsException.Dropped(ex));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            _audio.Writer.TryComplete(Volatile.Read(ref _failure));
        }
    }

    private async ValueTask OnFrameAsync(ServerFrame frame, CancellationToken cancellationToken)
    {
        if (frame.IsError)
        {
            // The server closes right after (1008); keep reading so its close is answered.
            Fail(ElevenLabsException.ServerError(frame.Error, frame.Message, frame.AnnouncedCloseStatus));
            return;
        }

        if (frame.Audio is { Length: > 0 } audio && Volatile.Read(ref _failure) is null)
        {
            if (_chunks == 0) OnFirstAudio();
            Interlocked.Increment(ref _chunks);
            _audioBytes += audio.Length;
            await _audio.Writer.WriteAsync(frame.ToAudioChunk(), cancellationToken);
        }

        if (frame.IsFinalMessage && !_finalReceived)
        {
            _finalReceived = true;
            _audio.Writer.TryComplete();
            Log.Final(_logger, _chunks, _audioBytes);
        }
    }

    private void OnFirstAudio()
    {
        var now = _clock.GetTimestamp();
        FirstAudioAt = now;
        var firstText = _firstTextAt;
        FirstAudioLatency = firstText == 0 ? TimeSpan.Zero : _clock.GetElapsedTime(firstText, now);
        Log.FirstAudio(_logger, FirstAudioLatency.Value.TotalMilliseconds, _clock.GetElapsedTime(_openedAt, now).TotalMilliseconds);
    }

    private async Task OnServerCloseAsync(CancellationToken cancellationToken)
    {
        if (!_finalReceived)
            Fail(ElevenLabsException.ClosedBeforeFinal(_socket.CloseStatus, _socket.CloseStatusDescription));

        // Answer the server's close so the handshake completes; bounded, and aborted on dispose.
        if (_socket.State == WebSocketState.CloseReceived && Interlocked.CompareExchange(ref _sending, 1, 0) == 0)
        {
            using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            budget.CancelAfter(FinishedCloseBudget);
            try
            {
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, budget.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or IOException)
            {
                // The server is gone; nothing left to tell it.
            }
        }
    }

    private void Fail(ElevenLabsException failure)
    {
        if (_finalReceived || _abandoned || Volatile.Read(ref _disposed) == 1) return;
        if (Interlocked.CompareExchange(ref _failure, failure, null) is not null) return;
        Log.StreamFailed(_logger, failure.Kind, failure.ErrorCode, failure.CloseStatus, failure.Retryable, failure.Message);
        _audio.Writer.TryComplete(failure);
    }

    private static byte[] Grow(byte[] buffer, int length)
    {
        if (length >= MaxMessageBytes) throw ElevenLabsException.Unreadable($"a message over {MaxMessageBytes} bytes", null);
        var larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, MaxMessageBytes));
        buffer.AsSpan(0, length).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(buffer);
        return larger;
    }
}
