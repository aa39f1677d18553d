using System.Collections.Immutable;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using VoiceAgent.Emulators.Audio;

namespace VoiceAgent.Emulators.Vonage;

/// <summary>
/// Plays Vonage's side of an NCCO <c>connect</c> → <c>websocket</c> leg (protocols/vonage-voice-websocket.md):
/// connects (no signature; Vonage echoes the NCCO <c>headers</c> instead), sends
/// <c>{"event":"websocket:connected","content-type":"audio/l16;rate=16000",…headers}</c>, then one binary
/// 20 ms frame of 16-bit little-endian PCM every 20 ms in real time (caller speech queued with
/// <see cref="PlayAsync"/>, silence in between), and <c>websocket:dtmf</c> on <see cref="SendDtmfAsync"/>.
/// </summary>
/// <remarks>
/// <para>Server audio is played back as Vonage does: each binary message must be exactly one 20 ms frame
/// (640 bytes at 16 kHz) and joins a playout buffer (at most <see cref="VonageCallerOptions.MaxBufferedMessages"/>)
/// that drains in real time. <c>{"action":"notify","payload":…}</c> is answered with <c>websocket:notify</c>
/// and the same payload once the audio queued before it has played; <c>{"action":"clear"}</c> empties the
/// buffer and is answered with <c>websocket:cleared</c>. Anything else (wrong-size audio, unknown or malformed
/// commands) is recorded in <see cref="InvalidFrames"/> and ignored.</para>
/// <para>Everything is recorded with times since the call started (<see cref="StartTimestamp"/>); the
/// <c>WaitFor…</c> methods wake on changes, never by polling, and fail once the call has ended.</para>
/// </remarks>
public sealed class VonageCaller : IAsyncDisposable, IPhoneLineSink<(JsonElement Payload, TimeSpan ReceivedAt)>
{
    private const int MaxMessageBytes = 1024 * 1024;

    private readonly ClientWebSocket _socket;
    private readonly PhoneLine<(JsonElement Payload, TimeSpan ReceivedAt)> _line;
    private readonly Channel<VonageOutgoing> _outbox = Channel.CreateUnbounded<VonageOutgoing>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Channel<VonageReceivedFrame> _frames = Channel.CreateUnbounded<VonageReceivedFrame>();
    private readonly StateSignal _signal = new();
    private readonly ArrivalStatistics _outboundAudio = new();
    private readonly CancellationTokenSource _lineStop = new();
    private readonly CancellationTokenSource _shutdown = new();
    private readonly Task _lineLoop;
    private readonly Task _sendLoop;
    private readonly Task _receiveLoop;
    private ImmutableList<VonageReceivedFrame> _receivedFrames = [];
    private ImmutableList<VonageNotifyEcho> _notifyEchoes = [];
    private ImmutableList<VonageClear> _clears = [];
    private ImmutableList<VonageInvalidFrame> _invalidFrames = [];
    private int _hungUp;
    private volatile bool _closedByServer;

    private VonageCaller(ClientWebSocket socket, VonageCallerOptions options, long startTimestamp)
    {
        _socket = socket;
        Options = options;
        _line = new PhoneLine<(JsonElement Payload, TimeSpan ReceivedAt)>(
            LineFormat.LinearPcm16(options.SampleRate), options.SendSilenceWhenIdle, options.Echo, startTimestamp, this);
        // The line first: the receive loop awaits it when the server ends the call.
        _lineLoop = _line.RunAsync(_lineStop.Token);
        _sendLoop = SendLoopAsync(_shutdown.Token);
        _receiveLoop = ReceiveLoopAsync(_shutdown.Token);
    }

    /// <summary>The call being played.</summary>
    public VonageCallerOptions Options { get; }

    /// <summary>Stopwatch timestamp of the call start (right after <c>websocket:connected</c> was sent): time zero of every recorded time.</summary>
    public long StartTimestamp => _line.StartTimestamp;

    /// <summary>Time since the call started.</summary>
    public TimeSpan Elapsed => _line.Now;

    /// <summary>Valid messages the server sent (audio frames and commands), in arrival order.</summary>
    public IReadOnlyList<VonageReceivedFrame> ReceivedFrames => Volatile.Read(ref _receivedFrames);

    /// <summary>What the caller heard: server audio as played out, 20 ms tick by tick, as 16-bit PCM.</summary>
    public IReadOnlyList<HeardAudioChunk> HeardAudio => _line.Heard;

    /// <summary>Total PCM bytes played out so far.</summary>
    public long HeardBytes => _line.HeardBytes;

    /// <summary>PCM bytes received but not played yet.</summary>
    public long BufferedBytes => _line.BufferedBytes;

    /// <summary><c>websocket:notify</c> answers sent, in order.</summary>
    public IReadOnlyList<VonageNotifyEcho> NotifyEchoes => Volatile.Read(ref _notifyEchoes);

    /// <summary><c>clear</c> commands received, in order.</summary>
    public IReadOnlyList<VonageClear> Clears => Volatile.Read(ref _clears);

    /// <summary>Messages that broke the protocol and were ignored.</summary>
    public IReadOnlyList<VonageInvalidFrame> InvalidFrames => Volatile.Read(ref _invalidFrames);

    /// <summary>Arrival of the server's audio frames (first arrival, bytes, inter-arrival gaps) since the start or the last reset.</summary>
    public ServerAudioStatistics OutboundAudio => _outboundAudio.Current;

    /// <summary>True once the socket is closed (or broke).</summary>
    public bool Closed => _receiveLoop.IsCompleted;

    /// <summary>True when the server, not the caller, ended the call.</summary>
    public bool ClosedByServer => _closedByServer;

    /// <summary>The close status received, if any.</summary>
    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    /// <summary>Connects to <paramref name="url"/> and starts the call (no signature: Vonage sends none).</summary>
    /// <exception cref="ArgumentException"><paramref name="options"/> are invalid; the message lists every problem.</exception>
    public static async Task<VonageCaller> ConnectAsync(Uri url, VonageCallerOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(url);
        options ??= new VonageCallerOptions();
        if (options.Validate() is { Count: > 0 } errors)
            throw new ArgumentException("Invalid VonageCallerOptions:" + Environment.NewLine + string.Join(Environment.NewLine, errors), nameof(options));

        var socket = new ClientWebSocket();
        try
        {
            await socket.ConnectAsync(url, cancellationToken);
            // The connected frame goes out before the line clock starts, so the first audio frame is on time.
            var connected = new ConnectedMessage { ContentType = options.ContentType, Headers = VonageCallerOptions.ToElements(options.Headers) };
            var json = JsonSerializer.SerializeToUtf8Bytes(connected, VonageJsonContext.Wire.ConnectedMessage);
            await socket.SendAsync(json, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        return new VonageCaller(socket, options, Stopwatch.GetTimestamp());
    }

    /// <summary>
    /// Says <paramref name="pcm16le"/> (16-bit little-endian mono PCM at <see cref="VonageCallerOptions.SampleRate"/>)
    /// after anything already queued, one 20 ms frame every 20 ms; the last frame is padded with silence.
    /// Completes once the last frame has been sent. Cancelling stops the rest of this utterance.
    /// </summary>
    public Task PlayAsync(ReadOnlyMemory<byte> pcm16le, CancellationToken cancellationToken = default)
    {
        if (pcm16le.Length % Pcm16.BytesPerSample != 0)
            throw new ArgumentException($"16-bit PCM has an even number of bytes; got {pcm16le.Length}.", nameof(pcm16le));
        return _line.PlayAsync(pcm16le, cancellationToken);
    }

    /// <summary>
    /// Says a WAV file: PCM or μ-law at any rate and channel count is converted to mono 16-bit PCM at the call's
    /// rate (see <see cref="WavReader"/> for the formats read), then played as <see cref="PlayAsync"/> does.
    /// </summary>
    public async Task PlayWavAsync(string path, CancellationToken cancellationToken = default)
    {
        var audio = await WavReader.ReadAsync(path, cancellationToken);
        await PlayAsync(audio.ToPcm16(Options.SampleRate), cancellationToken);
    }

    /// <summary>Presses a key: sends <c>websocket:dtmf</c>. Completes once it is on the wire.</summary>
    public Task SendDtmfAsync(char digit, int durationMs = 260, CancellationToken cancellationToken = default)
    {
        if (!char.IsAsciiDigit(digit) && digit is not ('*' or '#'))
            throw new ArgumentOutOfRangeException(nameof(digit), digit, "A DTMF digit is 0-9, * or #.");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(durationMs);
        var json = JsonSerializer.SerializeToUtf8Bytes(new DtmfMessage("websocket:dtmf", digit.ToString(), durationMs), VonageJsonContext.Wire.DtmfMessage);
        return EnqueueAsync(new VonageOutgoing(json, WebSocketMessageType.Text), cancellationToken);
    }

    /// <summary>Sends arbitrary bytes as one message, in order with the caller's other messages (for malformed-input tests).</summary>
    public Task SendRawAsync(ReadOnlyMemory<byte> payload, WebSocketMessageType messageType, CancellationToken cancellationToken = default)
    {
        if (messageType == WebSocketMessageType.Close) throw new ArgumentException("Use HangUpAsync to close the socket.", nameof(messageType));
        return EnqueueAsync(new VonageOutgoing(payload, messageType), cancellationToken);
    }

    /// <summary>The next valid message from the server not yet read.</summary>
    public ValueTask<VonageReceivedFrame> ReadFrameAsync(CancellationToken cancellationToken = default)
        => _frames.Reader.ReadAsync(cancellationToken);

    /// <summary>All audio heard so far, as one PCM buffer.</summary>
    public byte[] GetHeardAudio()
    {
        var chunks = _line.Heard;
        var audio = new byte[chunks.Sum(c => c.Audio.Length)];
        var offset = 0;
        foreach (var chunk in chunks)
        {
            chunk.Audio.Span.CopyTo(audio.AsSpan(offset));
            offset += chunk.Audio.Length;
        }
        return audio;
    }

    /// <summary>Restarts <see cref="OutboundAudio"/> (e.g. per reply); returns the statistics until now.</summary>
    public ServerAudioStatistics ResetOutboundAudioStatistics() => _outboundAudio.Reset();

    /// <summary>Waits until a <c>websocket:notify</c> whose payload satisfies <paramref name="match"/> has been sent; returns the first.</summary>
    public async Task<VonageNotifyEcho> WaitForNotifyAsync(Func<JsonElement, bool> match, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(match);
        await _signal.WaitAsync(() => NotifyEchoes.Any(e => match(e.Payload)), "a matching notify was echoed", cancellationToken);
        return NotifyEchoes.First(e => match(e.Payload));
    }

    /// <summary>Waits for the first <c>clear</c> from the server.</summary>
    public Task<VonageClear> WaitForClearAsync(CancellationToken cancellationToken = default) => WaitForClearAsync(1, cancellationToken);

    /// <summary>Waits until <paramref name="count"/> <c>clear</c> commands have arrived; returns the last of them.</summary>
    public async Task<VonageClear> WaitForClearAsync(int count, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        await _signal.WaitAsync(() => Clears.Count >= count, $"{count} clear(s) arrived", cancellationToken);
        return Clears[count - 1];
    }

    /// <summary>Waits until at least <paramref name="minBytes"/> PCM bytes of server audio have arrived (counted as <see cref="OutboundAudio"/>).</summary>
    public async Task<ServerAudioStatistics> WaitForAudioAsync(long minBytes, CancellationToken cancellationToken = default)
    {
        await _signal.WaitAsync(() => OutboundAudio.Bytes >= minBytes, $"{minBytes} bytes of server audio arrived", cancellationToken);
        return OutboundAudio;
    }

    /// <summary>Waits until at least <paramref name="minBytes"/> PCM bytes have been played out to the caller.</summary>
    public Task WaitForHeardAudioAsync(long minBytes, CancellationToken cancellationToken = default)
        => _signal.WaitAsync(() => HeardBytes >= minBytes, $"{minBytes} bytes were heard", cancellationToken);

    /// <summary>Waits until the socket is closed (by the server, or after <see cref="HangUpAsync"/>).</summary>
    public Task WaitForCloseAsync(CancellationToken cancellationToken = default) => _receiveLoop.WaitAsync(cancellationToken);

    /// <summary>Hangs up: stops the line, closes the socket (1000) and waits up to 2 s for the server's close. Idempotent.</summary>
    public async Task HangUpAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _hungUp, 1) == 0)
        {
            await _lineStop.CancelAsync();
            await _lineLoop.WaitAsync(cancellationToken);
            _outbox.Writer.TryWrite(new VonageOutgoing(default, WebSocketMessageType.Close));
            _outbox.Writer.TryComplete();
        }
        await _sendLoop.WaitAsync(cancellationToken);
        try
        {
            await _receiveLoop.WaitAsync(TimeSpan.FromSeconds(2), cancellationToken);
        }
        catch (TimeoutException)
        {
            // The server never answered the close; disposal aborts the socket.
        }
        _signal.End("the caller hung up");
    }

    void IPhoneLineSink<(JsonElement Payload, TimeSpan ReceivedAt)>.SendCallerFrame(byte[] frame, long frameIndex, CallerUtterance? finished)
    {
        if (!_outbox.Writer.TryWrite(new VonageOutgoing(frame, WebSocketMessageType.Binary) { Finished = finished })) finished?.Sent.TrySetCanceled();
    }

    void IPhoneLineSink<(JsonElement Payload, TimeSpan ReceivedAt)>.MarkerReached((JsonElement Payload, TimeSpan ReceivedAt) marker, TimeSpan at, bool dueToClear)
    {
        ImmutableInterlocked.Update(ref _notifyEchoes, static (list, echo) => list.Add(echo), new VonageNotifyEcho(marker.Payload, marker.ReceivedAt, at, dueToClear));
        var json = JsonSerializer.SerializeToUtf8Bytes(new NotifyMessage("websocket:notify", marker.Payload), VonageJsonContext.Wire.NotifyMessage);
        _outbox.Writer.TryWrite(new VonageOutgoing(json, WebSocketMessageType.Text));
        _signal.Pulse();
    }

    void IPhoneLineSink<(JsonElement Payload, TimeSpan ReceivedAt)>.Changed() => _signal.Pulse();

    private async Task EnqueueAsync(VonageOutgoing item, CancellationToken cancellationToken)
    {
        var sent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_outbox.Writer.TryWrite(item with { Sent = sent })) throw new InvalidOperationException("The call has ended; nothing more can be sent.");
        await sent.Task.WaitAsync(cancellationToken);
    }

    private async Task SendLoopAsync(CancellationToken cancellationToken)
    {
        VonageOutgoing? current = null;
        try
        {
            while (await _outbox.Reader.WaitToReadAsync(cancellationToken))
            {
                while (_outbox.Reader.TryRead(out current))
                {
                    if (current.Type == WebSocketMessageType.Close)
                    {
                        if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                            await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "call ended", cancellationToken);
                    }
                    else
                    {
                        await _socket.SendAsync(current.Bytes, current.Type, endOfMessage: true, cancellationToken);
                    }
                    current.Finished?.Sent.TrySetResult();
                    current.Sent?.TrySetResult();
                    current = null;
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The socket is gone; whatever was not sent is cancelled below.
        }
        finally
        {
            _outbox.Writer.TryComplete();
            CancelUnsent(current);
            while (_outbox.Reader.TryRead(out var unsent)) CancelUnsent(unsent);
        }
    }

    private static void CancelUnsent(VonageOutgoing? item)
    {
        item?.Finished?.Sent.TrySetCanceled();
        item?.Sent?.TrySetCanceled();
    }

    private async Task ReceiveLoopAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[4 * 1024];
        var reason = "the socket broke";
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var length = 0;
                var tooLarge = false;
                ValueWebSocketReceiveResult result;
                do
                {
                    if (length == buffer.Length)
                    {
                        if (buffer.Length >= MaxMessageBytes) { tooLarge = true; length = 0; }
                        else Array.Resize(ref buffer, buffer.Length * 2);
                    }
                    result = await _socket.ReceiveAsync(buffer.AsMemory(length), cancellationToken);
                    length += result.Count;
                } while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    reason = Volatile.Read(ref _hungUp) == 1 ? "the caller hung up" : "the server closed the socket";
                    _closedByServer = Volatile.Read(ref _hungUp) == 0;
                    return;
                }
                var at = _line.Now;
                if (tooLarge) RecordInvalid($"<message over {MaxMessageBytes} bytes>", "message too large", at);
                else if (result.MessageType == WebSocketMessageType.Binary) OnAudio(buffer.AsSpan(0, length), at);
                else OnCommand(Encoding.UTF8.GetString(buffer, 0, length), at);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            if (Volatile.Read(ref _hungUp) == 1) reason = "the caller hung up";
        }
        finally
        {
            _frames.Writer.TryComplete();
            if (Volatile.Read(ref _hungUp) == 0)
            {
                // The server ended the call: stop the line and answer its close handshake.
                await _lineStop.CancelAsync();
                await _lineLoop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                _outbox.Writer.TryWrite(new VonageOutgoing(default, WebSocketMessageType.Close));
                _outbox.Writer.TryComplete();
            }
            _signal.End(reason);
        }
    }

    private void OnAudio(ReadOnlySpan<byte> audio, TimeSpan at)
    {
        var frameBytes = Options.BytesPerFrame;
        if (audio.Length != frameBytes)
        {
            RecordInvalid($"<binary message of {audio.Length} bytes>",
                $"audio message of {audio.Length} bytes; Vonage needs exactly {frameBytes} (20 ms of {Options.ContentType}) per message", at);
            return;
        }
        if (_line.BufferedBytes >= (long)Options.MaxBufferedMessages * frameBytes)
        {
            RecordInvalid($"<binary message of {audio.Length} bytes>", $"playout buffer full ({Options.MaxBufferedMessages} messages); audio dropped", at);
            return;
        }
        var frame = new VonageReceivedFrame("audio", null, audio.Length, at);
        ImmutableInterlocked.Update(ref _receivedFrames, static (list, f) => list.Add(f), frame);
        _frames.Writer.TryWrite(frame);
        _outboundAudio.Record(audio.Length, at);
        _line.EnqueueAudio(audio.ToArray());
        _signal.Pulse();
    }

    private void OnCommand(string json, TimeSpan at)
    {
        var command = VonageServerCommandParser.Parse(json);
        if (command.Problem is not null)
        {
            RecordInvalid(json, command.Problem, at);
            return;
        }
        var frame = new VonageReceivedFrame(command.Action!, json, Encoding.UTF8.GetByteCount(json), at);
        ImmutableInterlocked.Update(ref _receivedFrames, static (list, f) => list.Add(f), frame);
        _frames.Writer.TryWrite(frame);
        if (command.Action == "notify")
        {
            _line.EnqueueMarker((command.Payload, at));
        }
        else
        {
            var echo = Options.EchoPendingNotifiesOnClear;
            var (discarded, notifies) = _line.Clear(releaseMarkers: echo);
            var clear = new VonageClear(at, discarded, notifies.Select(n => n.Payload).ToArray(), echo);
            ImmutableInterlocked.Update(ref _clears, static (list, c) => list.Add(c), clear); // recorded before it is acknowledged
            var cleared = JsonSerializer.SerializeToUtf8Bytes(new ClearedMessage("websocket:cleared"), VonageJsonContext.Wire.ClearedMessage);
            _outbox.Writer.TryWrite(new VonageOutgoing(cleared, WebSocketMessageType.Text));
        }
        _signal.Pulse();
    }

    private void RecordInvalid(string frame, string reason, TimeSpan at)
    {
        ImmutableInterlocked.Update(ref _invalidFrames, static (list, f) => list.Add(f), new VonageInvalidFrame(frame, reason, at));
        _signal.Pulse();
    }

    /// <summary>Hangs up if the call is still up, then releases the socket.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Volatile.Read(ref _hungUp) == 0 && !Closed)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(3));
            try { await HangUpAsync(timeout.Token); }
            catch (OperationCanceledException) { }
        }
        await _lineStop.CancelAsync();
        await _shutdown.CancelAsync();
        try { await Task.WhenAll(_lineLoop, _sendLoop, _receiveLoop).WaitAsync(TimeSpan.FromSeconds(2)); }
        catch (TimeoutException) { }
        _signal.End("the caller was disposed");
        _socket.Dispose();
        _lineStop.Dispose();
        _shutdown.Dispose();
    }
}
