using System.Buffers;
using System.Net.WebSockets;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using VoiceAgent.Speech;

namespace VoiceAgent.Providers.Deepgram;

/// <summary>
/// One live transcription session. Callers enqueue audio and control frames; a single pump task owns the
/// socket: it sends frames in order, reconnects when the socket drops (replaying audio that no final result
/// has covered yet, up to <see cref="DeepgramOptions.ReplayBufferDuration"/>), and closes with
/// <c>CloseStream</c> on dispose. Each socket's receive loop feeds the event channel.
/// </summary>
internal sealed class DeepgramSpeechToTextSession : ISpeechToTextSession
{
    private const int OutboundCapacity = 512;
    private const int EventCapacity = 1024;

    private readonly DeepgramOptions _options;
    private readonly Uri _url;
    private readonly int _id;
    private readonly int? _bytesPerSecond;
    private readonly DeepgramConnector _connector;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    // Synchronous continuations: the pump, when idle, sends a caller's frame on the sender's thread (50 frames a second
    // per call), saving a thread-pool hop per frame; a send that does not complete at once continues on its own.
    private readonly Channel<OutboundFrame> _outbound = Channel.CreateBounded<OutboundFrame>(
        new BoundedChannelOptions(OutboundCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait, AllowSynchronousContinuations = true });
    // Synchronous continuations: a result (a final above all) reaches the session's one reader on the receive loop's
    // thread, not after a wait in the thread pool's queue behind every call's audio. The reader only hands it on
    // (the speech pipeline posts it to its mailbox); the receive loop holds no lock while it writes.
    private readonly Channel<SpeechEvent> _events = Channel.CreateBounded<SpeechEvent>(
        new BoundedChannelOptions(EventCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait, AllowSynchronousContinuations = true });
    private readonly CancellationTokenSource _lifetime = new();
    private readonly AudioReplayBuffer _replay;

    private ITimer? _keepAliveTimer;
    private Task _pump = Task.CompletedTask;
    private long _lastAudioOrKeepAliveAt;
    private long _finalizedPosition;
    private int _disposed;

    // Owned by the pump (or by its drain while it reconnects; the two never run on these at once).
    private long _nextAudioPosition;
    private int _connectionCount;
    private bool _finalizePending;
    private bool _closeRequested;

    public DeepgramSpeechToTextSession(DeepgramOptions options, Uri url, int id, int? bytesPerSecond, DeepgramConnector connector, ILogger logger, TimeProvider time)
    {
        _options = options;
        _url = url;
        _id = id;
        _bytesPerSecond = bytesPerSecond;
        _connector = connector;
        _logger = logger;
        _time = time;
        var capacity = (long)((bytesPerSecond ?? AudioByteRate.FallbackBytesPerSecond) * options.ReplayBufferDuration.TotalSeconds);
        _replay = new AudioReplayBuffer(capacity, retainsSentAudio: bytesPerSecond is not null);
    }

    /// <summary>Opens the first socket (retrying retryable failures) and starts the pump and the KeepAlive timer.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _lifetime.Token);
        var socket = await ConnectWithRetriesAsync(firstAttemptImmediate: true, linked.Token);
        var connection = OpenConnection(socket, startPosition: 0);
        _lastAudioOrKeepAliveAt = _time.GetTimestamp();
        var tick = _options.KeepAliveInterval / 2;
        _keepAliveTimer = _time.CreateTimer(static state => ((DeepgramSpeechToTextSession)state!).OnKeepAliveTick(), this, tick, tick);
        _pump = PumpAsync(connection);
    }

    public ValueTask SendAudioAsync(ReadOnlyMemory<byte> audio, CancellationToken cancellationToken)
    {
        if (audio.IsEmpty) return ValueTask.CompletedTask; // an empty binary frame would make Deepgram close the socket
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var buffer = ArrayPool<byte>.Shared.Rent(audio.Length);
        audio.Span.CopyTo(buffer);
        Volatile.Write(ref _lastAudioOrKeepAliveAt, _time.GetTimestamp());
        return EnqueueAsync(new OutboundFrame(OutboundKind.Audio, buffer, audio.Length), cancellationToken);
    }

    public ValueTask FinalizeAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return EnqueueAsync(OutboundFrame.Finalize, cancellationToken);
    }

    public IAsyncEnumerable<SpeechEvent> ReadEventsAsync(CancellationToken cancellationToken)
        => _events.Reader.ReadAllAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _keepAliveTimer?.Dispose();
        try
        {
            // Close goes behind the audio already queued, so Deepgram transcribes all of it before closing.
            using var bound = new CancellationTokenSource(_options.CloseTimeout, _time);
            await _outbound.Writer.WriteAsync(OutboundFrame.Close, bound.Token);
        }
        catch (Exception ex) when (ex is ChannelClosedException or OperationCanceledException)
        {
            // The pump already ended (fatal error) or is stuck; cancelling the lifetime below ends it.
        }
        _outbound.Writer.TryComplete();
        try
        {
            await _pump.WaitAsync(_options.CloseTimeout * 2, _time);
        }
        catch (TimeoutException)
        {
            DeepgramLog.CloseTimedOut(_logger, _id, (long)(_options.CloseTimeout * 2).TotalMilliseconds);
        }
        await _lifetime.CancelAsync();
        await _pump;
        _lifetime.Dispose();
        DeepgramLog.Closed(_logger, _id);
    }

    private async ValueTask EnqueueAsync(OutboundFrame frame, CancellationToken cancellationToken)
    {
        if (_outbound.Writer.TryWrite(frame)) return;
        try
        {
            await _outbound.Writer.WriteAsync(frame, cancellationToken);
        }
        catch (Exception ex) when (ex is ChannelClosedException or OperationCanceledException)
        {
            if (frame.Buffer is not null) ArrayPool<byte>.Shared.Return(frame.Buffer);
            if (ex is OperationCanceledException) throw;
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            // Otherwise the session already failed and reported SpeechError(Fatal); the frame is dropped.
        }
    }

    private void OnKeepAliveTick()
    {
        if (_time.GetElapsedTime(Volatile.Read(ref _lastAudioOrKeepAliveAt)) < _options.KeepAliveInterval) return;
        if (_outbound.Writer.TryWrite(OutboundFrame.KeepAlive))
            Volatile.Write(ref _lastAudioOrKeepAliveAt, _time.GetTimestamp());
    }

    private async Task PumpAsync(DeepgramConnection first)
    {
        var token = _lifetime.Token;
        DeepgramConnection? connection = first;
        try
        {
            while (true)
            {
                var lostBecause = await ReplayAsync(connection, token) ?? await SendUntilLostOrClosedAsync(connection, token);
                if (lostBecause is null)
                {
                    await CloseAsync(connection, token);
                    return;
                }

                await AbandonAsync(connection, lostBecause);
                connection = null;
                if (!lostBecause.Retryable)
                {
                    await FailAsync(lostBecause.Reason, token);
                    return;
                }
                connection = await ReconnectAsync(lostBecause.Reason, token);
                if (connection is null) return;
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // Disposal gave up waiting for a graceful close.
        }
        catch (Exception ex)
        {
            DeepgramLog.PumpFailed(_logger, _id, ex);
            _events.Writer.TryWrite(new SpeechError($"Deepgram session failed: {ex.Message}", Fatal: true) { ReceivedAt = _time.GetTimestamp() });
        }
        finally
        {
            if (connection is not null)
            {
                connection.Abort();
                await connection.Completion;
                connection.Dispose();
            }
            _outbound.Writer.TryComplete();
            while (_outbound.Reader.TryRead(out var frame))
                if (frame.Buffer is not null) ArrayPool<byte>.Shared.Return(frame.Buffer);
            _replay.Clear();
            _events.Writer.TryComplete();
        }
    }

    /// <summary>Sends queued frames until the caller asks to close (returns null) or the connection is lost (returns why).</summary>
    private async Task<DeepgramConnectionEnd?> SendUntilLostOrClosedAsync(DeepgramConnection connection, CancellationToken token)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(token, connection.Lost);
        while (true)
        {
            OutboundFrame frame;
            try
            {
                frame = await _outbound.Reader.ReadAsync(linked.Token);
            }
            catch (OperationCanceledException) when (!token.IsCancellationRequested)
            {
                return await connection.Completion;
            }
            catch (ChannelClosedException)
            {
                return null;
            }

            switch (frame.Kind)
            {
                case OutboundKind.Audio:
                    var chunk = TakePosition(frame);
                    var failure = await TrySendAsync(connection, OutboundKind.Audio, chunk.Memory, token);
                    if (failure is not null || _replay.RetainsSentAudio)
                    {
                        _replay.TrimThrough(Volatile.Read(ref _finalizedPosition));
                        _replay.Add(chunk);
                    }
                    else
                    {
                        ArrayPool<byte>.Shared.Return(chunk.Buffer);
                    }
                    if (failure is not null) return failure;
                    break;

                case OutboundKind.KeepAlive:
                    if (await TrySendAsync(connection, OutboundKind.KeepAlive, DeepgramControlMessages.KeepAlive, token) is { } keepAliveFailure)
                        return keepAliveFailure;
                    DeepgramLog.KeepAliveSent(_logger, _id);
                    break;

                case OutboundKind.Finalize:
                    if (await TrySendAsync(connection, OutboundKind.Finalize, DeepgramControlMessages.Finalize, token) is { } finalizeFailure)
                    {
                        _finalizePending = true;
                        return finalizeFailure;
                    }
                    DeepgramLog.FinalizeSent(_logger, _id);
                    break;

                case OutboundKind.Close:
                    return null;
            }
        }
    }

    private async Task<DeepgramConnectionEnd?> TrySendAsync(DeepgramConnection connection, OutboundKind kind, ReadOnlyMemory<byte> payload, CancellationToken token)
    {
        try
        {
            if (kind == OutboundKind.Audio) await connection.SendAudioAsync(payload, token);
            else await connection.SendTextAsync(payload, token);
            return null;
        }
        catch (Exception ex) when (!token.IsCancellationRequested && ex is WebSocketException or IOException or ObjectDisposedException or InvalidOperationException or OperationCanceledException)
        {
            DeepgramLog.SendFailed(_logger, _id, kind, connection.Number, ex.Message);
            return DeepgramConnectionEnd.SendFailed(kind, ex);
        }
    }

    /// <summary>After a reconnect: sends the buffered audio, then a Finalize that could not be sent before. Returns why it failed, or null.</summary>
    private async Task<DeepgramConnectionEnd?> ReplayAsync(DeepgramConnection connection, CancellationToken token)
    {
        if (_replay.Count > 0)
        {
            var chunks = _replay.Snapshot();
            var sent = 0;
            DeepgramConnectionEnd? failure = null;
            foreach (var chunk in chunks)
            {
                failure = await TrySendAsync(connection, OutboundKind.Audio, chunk.Memory, token);
                if (failure is not null) break;
                sent++;
            }
            if (!_replay.RetainsSentAudio) _replay.RemoveOldest(sent);
            if (failure is not null) return failure;
        }
        if (_finalizePending)
        {
            if (await TrySendAsync(connection, OutboundKind.Finalize, DeepgramControlMessages.Finalize, token) is { } failure) return failure;
            _finalizePending = false;
            DeepgramLog.FinalizeSent(_logger, _id);
        }
        return null;
    }

    /// <summary>CloseStream, then wait (bounded) for the remaining results, Metadata and the server's close frame.</summary>
    private async Task CloseAsync(DeepgramConnection connection, CancellationToken token)
    {
        if (await TrySendAsync(connection, OutboundKind.Close, DeepgramControlMessages.CloseStream, token) is null)
        {
            DeepgramLog.CloseStreamSent(_logger, _id);
            try
            {
                await connection.Completion.WaitAsync(_options.CloseTimeout, _time, token);
            }
            catch (TimeoutException)
            {
                DeepgramLog.CloseTimedOut(_logger, _id, (long)_options.CloseTimeout.TotalMilliseconds);
            }
            using var bound = new CancellationTokenSource(_options.CloseTimeout, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(token, bound.Token);
            await connection.CloseOutputAsync(linked.Token);
        }
    }

    /// <summary>Tears a lost connection down and waits for its receive loop, so its last events precede SpeechReconnected.</summary>
    private async Task AbandonAsync(DeepgramConnection connection, DeepgramConnectionEnd lostBecause)
    {
        connection.Abort();
        await connection.Completion;
        connection.Dispose();
        DeepgramLog.ConnectionLost(_logger, _id, connection.Number, lostBecause.Reason);
    }

    /// <summary>
    /// Reconnects with backoff while a drain task keeps taking the caller's frames into the replay buffer.
    /// Returns the new connection, or null when the session ends (close requested, or attempts exhausted).
    /// </summary>
    private async Task<DeepgramConnection?> ReconnectAsync(string reason, CancellationToken token)
    {
        using var stopReconnecting = CancellationTokenSource.CreateLinkedTokenSource(token);
        using var stopDraining = CancellationTokenSource.CreateLinkedTokenSource(token);
        var drain = DrainWhileDisconnectedAsync(stopReconnecting, stopDraining.Token);

        DeepgramConnector.OpenSocket? socket = null;
        DeepgramConnectionException? failure = null;
        try
        {
            socket = await ConnectWithRetriesAsync(firstAttemptImmediate: false, stopReconnecting.Token);
        }
        catch (DeepgramConnectionException ex)
        {
            failure = ex;
        }
        catch (OperationCanceledException) when (!token.IsCancellationRequested)
        {
            // The caller disposed the session while we were reconnecting.
        }
        await stopDraining.CancelAsync();
        await drain;

        if (_closeRequested || socket is null)
        {
            socket?.Socket.Dispose();
            if (!_closeRequested) await FailAsync($"could not reconnect after {reason}: {failure?.Message}", token);
            return null;
        }

        await _events.Writer.WriteAsync(new SpeechReconnected(reason) { ReceivedAt = _time.GetTimestamp() }, token);
        _replay.TrimThrough(Volatile.Read(ref _finalizedPosition));
        var connection = OpenConnection(socket.Value, _replay.FirstPosition ?? _nextAudioPosition);
        DeepgramLog.Reconnected(_logger, _id, connection.Number, _replay.BufferedBytes);
        return connection;
    }

    private async Task DrainWhileDisconnectedAsync(CancellationTokenSource stopReconnecting, CancellationToken stop)
    {
        var reader = _outbound.Reader;
        try
        {
            while (await reader.WaitToReadAsync(stop))
            {
                while (reader.TryRead(out var frame))
                {
                    switch (frame.Kind)
                    {
                        case OutboundKind.Audio:
                            _replay.Add(TakePosition(frame));
                            break;
                        case OutboundKind.Finalize:
                            _finalizePending = true;
                            break;
                        case OutboundKind.Close:
                            _closeRequested = true;
                            await stopReconnecting.CancelAsync();
                            return;
                        case OutboundKind.KeepAlive:
                            break; // the new socket starts its own idle window
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    private async Task<DeepgramConnector.OpenSocket> ConnectWithRetriesAsync(bool firstAttemptImmediate, CancellationToken token)
    {
        var attempts = _options.ReconnectAttempts + (firstAttemptImmediate ? 1 : 0);
        DeepgramConnectionException? last = null;
        for (var attempt = 1; attempt <= attempts; attempt++)
        {
            var retry = firstAttemptImmediate ? attempt - 1 : attempt;
            if (retry > 0)
            {
                var delay = Backoff(retry);
                DeepgramLog.ReconnectScheduled(_logger, _id, retry, _options.ReconnectAttempts, (long)delay.TotalMilliseconds);
                await Task.Delay(delay, _time, token);
            }
            try
            {
                return await _connector.ConnectAsync(_url, _id, attempt, token);
            }
            catch (DeepgramConnectionException ex) when (ex.Retryable)
            {
                last = ex;
            }
        }
        throw last ?? new DeepgramConnectionException("No connection attempt is allowed (ReconnectAttempts is 0).", 0, null, retryable: false);
    }

    private TimeSpan Backoff(int retry)
    {
        var exponential = _options.ReconnectBackoff * Math.Pow(2, retry - 1);
        var capped = exponential < _options.MaxReconnectBackoff ? exponential : _options.MaxReconnectBackoff;
        return capped * (0.8 + (0.4 * Random.Shared.NextDouble()));
    }

    private DeepgramConnection OpenConnection(DeepgramConnector.OpenSocket socket, long startPosition)
    {
        var number = ++_connectionCount;
        DeepgramLog.Connected(_logger, _id, number, socket.RequestId);
        var context = new DeepgramConnection.ConnectionContext(_id, number, startPosition, _bytesPerSecond, _events.Writer,
            OnFinalized, _logger, _time);
        return new DeepgramConnection(socket.Socket, context, _lifetime.Token);
    }

    private void OnFinalized(long position)
    {
        var current = Volatile.Read(ref _finalizedPosition);
        while (position > current)
        {
            var seen = Interlocked.CompareExchange(ref _finalizedPosition, position, current);
            if (seen == current) return;
            current = seen;
        }
    }

    private AudioChunk TakePosition(OutboundFrame frame)
    {
        var chunk = new AudioChunk(frame.Buffer!, frame.Length, _nextAudioPosition);
        _nextAudioPosition += frame.Length;
        return chunk;
    }

    private async Task FailAsync(string reason, CancellationToken token)
    {
        DeepgramLog.GaveUp(_logger, _id, reason);
        _outbound.Writer.TryComplete();
        await _events.Writer.WriteAsync(new SpeechError($"Deepgram transcription stopped: {reason}", Fatal: true) { ReceivedAt = _time.GetTimestamp() }, token);
    }
}
