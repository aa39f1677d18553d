using System.Collections.Immutable;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using VoiceAgent.Emulators.Audio;

namespace VoiceAgent.Emulators.Twilio.MediaStreams;

/// <summary>
/// Plays Twilio's side of a bidirectional <c>&lt;Connect&gt;&lt;Stream&gt;</c> call (protocols/twilio-media-streams.md):
/// opens the WebSocket with a signed upgrade (the full <c>wss://</c> URL, no parameters, as Twilio signs it),
/// sends <c>connected</c> and <c>start</c>, then (the stream's time zero) one 20 ms μ-law <c>media</c> frame every 20 ms in real time
/// (caller speech queued with <see cref="PlayAsync"/>, silence in between), <c>dtmf</c> on
/// <see cref="SendDtmfAsync"/> and <c>stop</c> on <see cref="HangUpAsync"/>.
/// </summary>
/// <remarks>
/// <para>What the server sends is played back as Twilio does: <c>media</c> payloads join a playout buffer that
/// drains at 8000 bytes/s; a <c>mark</c> is echoed once all audio queued before it has played; <c>clear</c>
/// empties the buffer and echoes every outstanding mark at once. Invalid frames (unknown event, media without
/// payload or with bad base64, mark without name, wrong <c>streamSid</c>, non-JSON, binary) are dropped, as
/// Twilio drops them, and recorded in <see cref="InvalidFrames"/>.</para>
/// <para>Everything is recorded with times since the call started (<see cref="StartTimestamp"/>), and the
/// <c>WaitFor…</c> methods wake on changes, never by polling. When the call ends they fail rather than hang.</para>
/// </remarks>
public sealed class MediaStreamsCaller : IAsyncDisposable, IPhoneLineSink<(string Name, TimeSpan ReceivedAt)>
{
    private const int MaxFrameBytes = 16 * 1024 * 1024;
    private static readonly IReadOnlyList<string> InboundTrack = ["inbound"];

    private readonly ClientWebSocket _socket;
    private readonly PhoneLine<(string Name, TimeSpan ReceivedAt)> _line;
    private readonly List<MediaStreamsOutgoing> _heldFrames = [];
    private readonly Channel<MediaStreamsOutgoing> _outbox = Channel.CreateUnbounded<MediaStreamsOutgoing>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Channel<MediaStreamsReceivedFrame> _frames = Channel.CreateUnbounded<MediaStreamsReceivedFrame>();
    private readonly StateSignal _signal = new();
    private readonly ArrivalStatistics _outboundMedia = new();
    private readonly CancellationTokenSource _lineStop = new();
    private readonly CancellationTokenSource _shutdown = new();
    private readonly Task _lineLoop;
    private readonly Task _sendLoop;
    private readonly Task _receiveLoop;
    private ImmutableList<MediaStreamsReceivedFrame> _receivedFrames = [];
    private ImmutableList<MediaStreamsMarkEcho> _markEchoes = [];
    private ImmutableList<MediaStreamsClear> _clears = [];
    private ImmutableList<MediaStreamsInvalidFrame> _invalidFrames = [];
    private long _sequenceNumber; // send loop only
    private long _chunk;          // send loop only
    private int _hungUp;
    private volatile bool _closedByServer;

    private MediaStreamsCaller(ClientWebSocket socket, MediaStreamsCallerOptions options, long startTimestamp)
    {
        _socket = socket;
        Options = options;
        _sequenceNumber = 1; // "start" was number 1
        _line = new PhoneLine<(string Name, TimeSpan ReceivedAt)>(LineFormat.MuLaw8k(), options.SendSilenceWhenIdle, options.Echo, startTimestamp, this);
        // The line first: the receive loop awaits it when the server ends the call.
        _lineLoop = _line.RunAsync(_lineStop.Token);
        _sendLoop = SendLoopAsync(_shutdown.Token);
        _receiveLoop = ReceiveLoopAsync(_shutdown.Token);
    }

    /// <summary>The call being played.</summary>
    public MediaStreamsCallerOptions Options { get; }

    /// <summary>This stream's SID; the server must put it on every frame it sends.</summary>
    public string StreamSid => Options.StreamSid;

    /// <summary>This call's SID.</summary>
    public string CallSid => Options.CallSid;

    /// <summary>Stopwatch timestamp of the stream start (right after <c>start</c> was sent): time zero of media timestamps and every recorded time.</summary>
    public long StartTimestamp => _line.StartTimestamp;

    /// <summary>Time since the stream started.</summary>
    public TimeSpan Elapsed => _line.Now;

    /// <summary>Valid frames the server sent, in arrival order.</summary>
    public IReadOnlyList<MediaStreamsReceivedFrame> ReceivedFrames => Volatile.Read(ref _receivedFrames);

    /// <summary>What the caller heard: server audio as played out, 20 ms tick by tick, in μ-law.</summary>
    public IReadOnlyList<HeardAudioChunk> HeardAudio => _line.Heard;

    /// <summary>Total μ-law bytes played out so far.</summary>
    public long HeardBytes => _line.HeardBytes;

    /// <summary>μ-law bytes received but not played yet.</summary>
    public long BufferedBytes => _line.BufferedBytes;

    /// <summary>Marks echoed to the server, in order.</summary>
    public IReadOnlyList<MediaStreamsMarkEcho> MarkEchoes => Volatile.Read(ref _markEchoes);

    /// <summary><c>clear</c> frames received, in order.</summary>
    public IReadOnlyList<MediaStreamsClear> Clears => Volatile.Read(ref _clears);

    /// <summary>Frames Twilio would have dropped.</summary>
    public IReadOnlyList<MediaStreamsInvalidFrame> InvalidFrames => Volatile.Read(ref _invalidFrames);

    /// <summary>Arrival of the server's <c>media</c> frames (first arrival, bytes, inter-arrival gaps) since the start or the last reset.</summary>
    public ServerAudioStatistics OutboundMedia => _outboundMedia.Current;

    /// <summary>True once the server closed the socket (or it broke).</summary>
    public bool Closed => _receiveLoop.IsCompleted;

    /// <summary>True when the server, not the caller, ended the call.</summary>
    public bool ClosedByServer => _closedByServer;

    /// <summary>The close status the server sent, if any.</summary>
    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    /// <summary>
    /// Connects to <paramref name="connectUrl"/> (where the server listens, e.g. <c>ws://127.0.0.1:port/media</c>)
    /// with <c>X-Twilio-Signature</c> computed over <paramref name="signedWssUrl"/> (the <c>wss://</c> URL written in
    /// the TwiML) and no parameters, then starts the stream. A null <paramref name="authToken"/> sends no signature.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="options"/> are invalid; the message lists every problem.</exception>
    public static async Task<MediaStreamsCaller> ConnectAsync(Uri connectUrl, string signedWssUrl, string? authToken,
        MediaStreamsCallerOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connectUrl);
        ArgumentException.ThrowIfNullOrEmpty(signedWssUrl);
        options ??= new MediaStreamsCallerOptions();
        if (options.Validate() is { Count: > 0 } errors)
            throw new ArgumentException("Invalid MediaStreamsCallerOptions:" + Environment.NewLine + string.Join(Environment.NewLine, errors), nameof(options));

        var socket = new ClientWebSocket();
        if (authToken is not null)
            socket.Options.SetRequestHeader(TwilioRequestSigner.HeaderName, new TwilioRequestSigner(authToken).SignWebSocketUpgrade(signedWssUrl));
        try
        {
            await socket.ConnectAsync(connectUrl, cancellationToken);
            // The opening frames go out before the line clock starts, so the first media frame is on time.
            await socket.SendAsync(ConnectedFrame(), WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
            await socket.SendAsync(StartFrame(options), WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        return new MediaStreamsCaller(socket, options, System.Diagnostics.Stopwatch.GetTimestamp());
    }

    private static byte[] ConnectedFrame()
        => JsonSerializer.SerializeToUtf8Bytes(new ConnectedMessage("connected", "Call", "1.0.0"), MediaStreamsJsonContext.Wire.ConnectedMessage);

    private static byte[] StartFrame(MediaStreamsCallerOptions options)
        => JsonSerializer.SerializeToUtf8Bytes(
            new StartMessage("start", "1",
                new StartDetails(options.AccountSid, options.StreamSid, options.CallSid, InboundTrack, new MediaFormat("audio/x-mulaw", 8000, 1), options.CustomParameters),
                options.StreamSid),
            MediaStreamsJsonContext.Wire.StartMessage);

    /// <summary>
    /// Says <paramref name="mulaw8k"/> (raw 8 kHz μ-law, no header) after anything already queued, one 160-byte
    /// frame every 20 ms; the last frame is padded with silence. Completes once the last frame has been sent.
    /// Cancelling stops the rest of this utterance.
    /// </summary>
    public Task PlayAsync(ReadOnlyMemory<byte> mulaw8k, CancellationToken cancellationToken = default)
        => _line.PlayAsync(mulaw8k, cancellationToken);

    /// <summary>
    /// Says a WAV file: μ-law or PCM at any rate and channel count is converted to 8 kHz mono μ-law (see
    /// <see cref="WavReader"/> for the formats read), then played as <see cref="PlayAsync"/> does.
    /// </summary>
    public async Task PlayWavAsync(string path, CancellationToken cancellationToken = default)
    {
        var audio = await WavReader.ReadAsync(path, cancellationToken);
        await PlayAsync(audio.ToMuLaw8k(), cancellationToken);
    }

    /// <summary>Presses a key: sends <c>dtmf</c> with <c>track:"inbound_track"</c>. Completes once it is on the wire.</summary>
    public Task SendDtmfAsync(char digit, CancellationToken cancellationToken = default)
    {
        if (!char.IsAsciiDigit(digit) && digit is not ('*' or '#'))
            throw new ArgumentOutOfRangeException(nameof(digit), digit, "A DTMF digit is 0-9, * or #.");
        return EnqueueAsync(new MediaStreamsOutgoing(MediaStreamsOutgoing.Kinds.Dtmf) { Text = digit.ToString() }, cancellationToken);
    }

    /// <summary>Sends arbitrary bytes as one frame, in order with the caller's other frames (for malformed-input tests).</summary>
    public Task SendRawAsync(ReadOnlyMemory<byte> payload, WebSocketMessageType messageType, CancellationToken cancellationToken = default)
        => EnqueueAsync(new MediaStreamsOutgoing(MediaStreamsOutgoing.Kinds.Raw) { Bytes = payload, RawType = messageType }, cancellationToken);

    /// <summary>The next valid frame from the server not yet read.</summary>
    public ValueTask<MediaStreamsReceivedFrame> ReadFrameAsync(CancellationToken cancellationToken = default)
        => _frames.Reader.ReadAsync(cancellationToken);

    /// <summary>All audio heard so far, as one μ-law buffer.</summary>
    public byte[] GetHeardAudio() => Concatenate(_line.Heard);

    /// <summary>Restarts <see cref="OutboundMedia"/> (e.g. per reply); returns the statistics until now.</summary>
    public ServerAudioStatistics ResetOutboundMediaStatistics() => _outboundMedia.Reset();

    /// <summary>Waits until the mark named <paramref name="name"/> has been echoed; returns its first echo.</summary>
    public async Task<MediaStreamsMarkEcho> WaitForMarkAsync(string name, CancellationToken cancellationToken = default)
    {
        await _signal.WaitAsync(() => FindMark(name) is not null, $"mark '{name}' was echoed", cancellationToken);
        return FindMark(name)!;
    }

    /// <summary>Waits until at least <paramref name="count"/> echoed marks satisfy <paramref name="match"/> (e.g. the ends of replies).</summary>
    public Task WaitForMarkEchoesAsync(Func<MediaStreamsMarkEcho, bool> match, int count, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(match);
        return _signal.WaitAsync(() => MarkEchoes.Count(match) >= count, $"{count} matching mark echo(es)", cancellationToken);
    }

    /// <summary>Waits for the first <c>clear</c> from the server.</summary>
    public Task<MediaStreamsClear> WaitForClearAsync(CancellationToken cancellationToken = default) => WaitForClearAsync(1, cancellationToken);

    /// <summary>Waits until <paramref name="count"/> <c>clear</c> frames have arrived; returns the last of them.</summary>
    public async Task<MediaStreamsClear> WaitForClearAsync(int count, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        await _signal.WaitAsync(() => Clears.Count >= count, $"{count} clear(s) arrived", cancellationToken);
        return Clears[count - 1];
    }

    /// <summary>Waits until at least <paramref name="minBytes"/> μ-law bytes of server audio have arrived (counted as <see cref="OutboundMedia"/>).</summary>
    public async Task<ServerAudioStatistics> WaitForAudioAsync(long minBytes, CancellationToken cancellationToken = default)
    {
        await _signal.WaitAsync(() => OutboundMedia.Bytes >= minBytes, $"{minBytes} bytes of server audio arrived", cancellationToken);
        return OutboundMedia;
    }

    /// <summary>Waits until at least <paramref name="minBytes"/> μ-law bytes have been played out to the caller.</summary>
    public Task WaitForHeardAudioAsync(long minBytes, CancellationToken cancellationToken = default)
        => _signal.WaitAsync(() => HeardBytes >= minBytes, $"{minBytes} bytes were heard", cancellationToken);

    /// <summary>Waits until the socket is closed (by the server, or after <see cref="HangUpAsync"/>).</summary>
    public Task WaitForCloseAsync(CancellationToken cancellationToken = default) => _receiveLoop.WaitAsync(cancellationToken);

    /// <summary>
    /// Hangs up as Twilio does when the call ends: stops the line, sends <c>stop</c>, closes the socket and waits
    /// (up to 2 s) for the server's close. Idempotent.
    /// </summary>
    public async Task HangUpAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _hungUp, 1) == 0)
        {
            await _lineStop.CancelAsync();
            await _lineLoop.WaitAsync(cancellationToken);
            _outbox.Writer.TryWrite(new MediaStreamsOutgoing(MediaStreamsOutgoing.Kinds.Stop));
            _outbox.Writer.TryWrite(new MediaStreamsOutgoing(MediaStreamsOutgoing.Kinds.Close));
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

    void IPhoneLineSink<(string Name, TimeSpan ReceivedAt)>.SendCallerFrame(byte[] frame, long frameIndex, CallerUtterance? finished)
    {
        var item = new MediaStreamsOutgoing(MediaStreamsOutgoing.Kinds.Media) { Bytes = frame, FrameIndex = frameIndex, Finished = finished };
        if (Options.InboundFramesPerBurst > 1)
        {
            // Called only from the line loop: the held frames need no lock.
            _heldFrames.Add(item);
            if (_heldFrames.Count < Options.InboundFramesPerBurst) return;
            foreach (var held in _heldFrames)
                if (!_outbox.Writer.TryWrite(held)) held.Finished?.Sent.TrySetCanceled();
            _heldFrames.Clear();
            return;
        }
        if (!_outbox.Writer.TryWrite(item)) finished?.Sent.TrySetCanceled();
    }

    void IPhoneLineSink<(string Name, TimeSpan ReceivedAt)>.MarkerReached((string Name, TimeSpan ReceivedAt) marker, TimeSpan at, bool dueToClear)
    {
        ImmutableInterlocked.Update(ref _markEchoes, static (list, echo) => list.Add(echo), new MediaStreamsMarkEcho(marker.Name, marker.ReceivedAt, at, dueToClear));
        _outbox.Writer.TryWrite(new MediaStreamsOutgoing(MediaStreamsOutgoing.Kinds.Mark) { Text = marker.Name });
        _signal.Pulse();
    }

    void IPhoneLineSink<(string Name, TimeSpan ReceivedAt)>.Changed() => _signal.Pulse();

    private async Task EnqueueAsync(MediaStreamsOutgoing item, CancellationToken cancellationToken)
    {
        var sent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_outbox.Writer.TryWrite(item with { Sent = sent })) throw new InvalidOperationException("The call has ended; nothing more can be sent.");
        await sent.Task.WaitAsync(cancellationToken);
    }

    private MediaStreamsMarkEcho? FindMark(string name) => MarkEchoes.FirstOrDefault(echo => echo.Name == name);

    private async Task SendLoopAsync(CancellationToken cancellationToken)
    {
        MediaStreamsOutgoing? current = null;
        try
        {
            while (await _outbox.Reader.WaitToReadAsync(cancellationToken))
            {
                while (_outbox.Reader.TryRead(out current))
                {
                    if (current.Kind == MediaStreamsOutgoing.Kinds.Close)
                    {
                        if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                            await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "call ended", cancellationToken);
                    }
                    else
                    {
                        var (bytes, type) = Encode(current);
                        await _socket.SendAsync(bytes, type, endOfMessage: true, cancellationToken);
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

    private static void CancelUnsent(MediaStreamsOutgoing? item)
    {
        item?.Finished?.Sent.TrySetCanceled();
        item?.Sent?.TrySetCanceled();
    }

    private (ReadOnlyMemory<byte> Bytes, WebSocketMessageType Type) Encode(MediaStreamsOutgoing item)
    {
        var context = MediaStreamsJsonContext.Wire;
        var sid = Options.StreamSid;
        byte[] json = item.Kind switch
        {
            MediaStreamsOutgoing.Kinds.Media => JsonSerializer.SerializeToUtf8Bytes(
                new MediaMessage("media", NextSequenceNumber(),
                    new MediaDetails("inbound", (++_chunk).ToString(CultureInfo.InvariantCulture),
                        ((item.FrameIndex + 1) * (long)LineFormat.FrameDuration.TotalMilliseconds).ToString(CultureInfo.InvariantCulture),
                        Convert.ToBase64String(item.Bytes.Span)),
                    sid),
                context.MediaMessage),
            MediaStreamsOutgoing.Kinds.Dtmf => JsonSerializer.SerializeToUtf8Bytes(
                new DtmfMessage("dtmf", sid, NextSequenceNumber(), new DtmfDetails("inbound_track", item.Text!)), context.DtmfMessage),
            MediaStreamsOutgoing.Kinds.Mark => JsonSerializer.SerializeToUtf8Bytes(
                new MarkMessage("mark", NextSequenceNumber(), sid, new MarkDetails(item.Text!)), context.MarkMessage),
            MediaStreamsOutgoing.Kinds.Stop => JsonSerializer.SerializeToUtf8Bytes(
                new StopMessage("stop", NextSequenceNumber(), sid, new StopDetails(Options.AccountSid, Options.CallSid)), context.StopMessage),
            MediaStreamsOutgoing.Kinds.Raw => [],
            _ => throw new InvalidOperationException($"Unexpected outbox item {item.Kind}."),
        };
        return item.Kind == MediaStreamsOutgoing.Kinds.Raw ? (item.Bytes, item.RawType) : (json, WebSocketMessageType.Text);
    }

    private string NextSequenceNumber() => (++_sequenceNumber).ToString(CultureInfo.InvariantCulture);

    private async Task ReceiveLoopAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
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
                        if (buffer.Length >= MaxFrameBytes) { tooLarge = true; length = 0; }
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
                if (tooLarge) RecordInvalid($"<frame over {MaxFrameBytes} bytes>", "frame too large", at);
                else if (result.MessageType == WebSocketMessageType.Binary) RecordInvalid($"<binary frame of {length} bytes>", "binary frame; Media Streams frames are JSON text", at);
                else OnTextFrame(Encoding.UTF8.GetString(buffer, 0, length), at);
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
                _outbox.Writer.TryWrite(new MediaStreamsOutgoing(MediaStreamsOutgoing.Kinds.Close));
                _outbox.Writer.TryComplete();
            }
            _signal.End(reason);
        }
    }

    private void OnTextFrame(string json, TimeSpan at)
    {
        var parsed = MediaStreamsServerFrameParser.Parse(json, Options.StreamSid);
        if (parsed.Problem is not null)
        {
            RecordInvalid(json, parsed.Problem, at);
            return;
        }
        var frame = new MediaStreamsReceivedFrame(parsed.Event!, json, at);
        ImmutableInterlocked.Update(ref _receivedFrames, static (list, f) => list.Add(f), frame);
        _frames.Writer.TryWrite(frame);
        switch (parsed.Event)
        {
            case "media":
                _outboundMedia.Record(parsed.Audio!.Length, at);
                _line.EnqueueAudio(parsed.Audio);
                break;
            case "mark":
                _line.EnqueueMarker((parsed.MarkName!, at));
                break;
            case "clear":
                var (discarded, marks) = _line.Clear(releaseMarkers: true);
                var clear = new MediaStreamsClear(at, discarded, marks.Select(m => m.Name).ToArray());
                ImmutableInterlocked.Update(ref _clears, static (list, c) => list.Add(c), clear);
                break;
        }
        _signal.Pulse();
    }

    private void RecordInvalid(string frame, string reason, TimeSpan at)
    {
        ImmutableInterlocked.Update(ref _invalidFrames, static (list, f) => list.Add(f), new MediaStreamsInvalidFrame(frame, reason, at));
        _signal.Pulse();
    }

    private static byte[] Concatenate(IReadOnlyList<HeardAudioChunk> chunks)
    {
        var total = 0;
        foreach (var chunk in chunks) total += chunk.Audio.Length;
        var audio = new byte[total];
        var offset = 0;
        foreach (var chunk in chunks)
        {
            chunk.Audio.Span.CopyTo(audio.AsSpan(offset));
            offset += chunk.Audio.Length;
        }
        return audio;
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
