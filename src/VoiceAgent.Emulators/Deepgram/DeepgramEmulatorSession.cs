using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http;

namespace VoiceAgent.Emulators.Deepgram;

/// <summary>
/// One accepted emulator connection. The read loop (the request's task) decodes audio, runs the energy
/// detector and queues replies; a writer task sends them after the configured result latency, in order;
/// a watchdog closes an idle socket with 1011 <c>NET-0001</c>. The watchdog counts only the time it was itself
/// running on schedule as idle: when this process was not scheduled for a while (a loaded machine), frames the client
/// sent meanwhile wait unread in the socket, and a late tick must not take that gap for the client's silence. A real
/// Deepgram closes with 1011 on its own failure only; the emulator must not turn its own stall into one.
/// </summary>
internal sealed class DeepgramEmulatorSession : IDisposable
{
    private static readonly TimeSpan s_closeHandshakeTimeout = TimeSpan.FromSeconds(2);

    private readonly DeepgramEmulator _emulator;
    private readonly DeepgramEmulatorConnection _record;
    private readonly WebSocket _socket;
    private readonly HttpContext _http;
    private readonly DeepgramListenParameters _parameters;
    private readonly DeepgramEmulatorMessages.ModelInfo _model;
    private readonly TimeProvider _time;
    private readonly int? _dropAfterFrames;
    private readonly EnergySegmenter _segmenter;
    private bool _piecesFinal; // the words of the current segment so far were all sent as finals (no speech since)
    private readonly IncrementalHash _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly Channel<Outgoing> _outgoing = Channel.CreateUnbounded<Outgoing>(new UnboundedChannelOptions { SingleReader = true });
    private readonly List<SegmenterEvent> _detected = [];
    private readonly CancellationTokenSource _closeDeadline;
    private readonly ITimer _watchdog;
    private readonly ITimer? _dropTimer;
    private long _lastFrameAt;
    private readonly long _tickTimestamps; // the watchdog's period, in timestamp units
    private long _lastTickAt; // owned by the watchdog (its callbacks never overlap: each one is quick, the timer is periodic)
    private long _idleTimestamps; // idle time counted so far, in timestamp units (the watchdog's)
    private int _framesSinceTick;
    private int _closing;
    private byte? _pendingLinear16Byte;
    private ScriptedTranscript? _current;
    private DeepgramHearingWindow? _currentWindow; // the window _current came from, if it did

    private readonly Queue<(long Samples, long At)> _arrivals = new(); // when the audio up to each sample count arrived (last 10 s)
    private long _receivedSamples;

    private readonly record struct Outgoing(byte[]? Payload, long DueAt, WebSocketCloseStatus? Close = null, string? CloseDescription = null,
        long SpeechEndArrivedAt = 0);

    public DeepgramEmulatorSession(DeepgramEmulator emulator, DeepgramEmulatorConnection record, WebSocket socket, HttpContext http,
        DeepgramListenParameters parameters, TimeProvider time, DeepgramEmulator.DropPlan? drop)
    {
        _emulator = emulator;
        _record = record;
        _socket = socket;
        _http = http;
        _parameters = parameters;
        _time = time;
        _model = new($"general-{parameters.Model}", "emulator", parameters.Model, emulator.ModelUuid);
        _segmenter = new EnergySegmenter(parameters.SampleRate, emulator.SpeechRmsThreshold, emulator.SpeechOnsetFrames,
            parameters.EndpointingMs is int endpointing ? TimeSpan.FromMilliseconds(endpointing) : null,
            parameters.InterimResults && parameters.UtteranceEndMs is int utteranceEnd ? TimeSpan.FromMilliseconds(utteranceEnd) : null,
            emulator.InterimInterval, emulator.FinalizeAfterQuiet);
        _closeDeadline = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
        _lastFrameAt = time.GetTimestamp();
        _lastTickAt = _lastFrameAt;
        var tick = TimeSpan.FromTicks(Math.Clamp(emulator.IdleTimeout.Ticks / 10, TimeSpan.TicksPerMillisecond * 10, TimeSpan.TicksPerMillisecond * 250));
        _tickTimestamps = (long)(tick.TotalSeconds * time.TimestampFrequency);
        _watchdog = time.CreateTimer(static state => ((DeepgramEmulatorSession)state!).CheckIdle(), this, tick, tick);
        _dropAfterFrames = drop?.AfterAudioFrames;
        if (drop?.After is TimeSpan after)
            _dropTimer = time.CreateTimer(static state => ((DeepgramEmulatorSession)state!).Drop(), this, after, Timeout.InfiniteTimeSpan);
    }

    public DeepgramEmulatorConnection Record => _record;

    /// <summary>Runs until the connection is closed or aborted.</summary>
    public async Task RunAsync(CancellationToken aborted)
    {
        var writer = Task.Run(() => WriteLoopAsync(aborted), CancellationToken.None);
        using var receiveStop = CancellationTokenSource.CreateLinkedTokenSource(aborted, _closeDeadline.Token);
        try
        {
            await ReadLoopAsync(receiveStop.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or IOException or ObjectDisposedException)
        {
            // Aborted by a fault, by the client, or because the client never answered our close frame.
        }
        finally
        {
            // Let the writer finish what is queued (our close frame, too) before tearing the socket down.
            _outgoing.Writer.TryComplete();
            await writer;
            if (_socket.State is not WebSocketState.Closed) _socket.Abort();
            _record.MarkEnded();
        }
    }

    /// <summary>Drops the TCP connection without a close frame.</summary>
    public void Drop()
    {
        if (_record.Ended || _record.Aborted) return;
        _record.MarkAborted();
        _http.Abort();
    }

    public void Dispose()
    {
        _watchdog.Dispose();
        _dropTimer?.Dispose();
        _closeDeadline.Dispose();
        _sha256.Dispose();
    }

    private async Task ReadLoopAsync(CancellationToken token)
    {
        var message = new ArrayBufferWriter<byte>(8192);
        while (true)
        {
            var result = await _socket.ReceiveAsync(message.GetMemory(8192), token);
            Volatile.Write(ref _lastFrameAt, _time.GetTimestamp());
            Volatile.Write(ref _framesSinceTick, 1);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                _record.SetClientClose(_socket.CloseStatus);
                BeginClose(WebSocketCloseStatus.NormalClosure, null);
                return;
            }
            message.Advance(result.Count);
            if (!result.EndOfMessage) continue;

            if (Volatile.Read(ref _closing) == 0)
            {
                if (result.MessageType == WebSocketMessageType.Binary) OnAudio(message.WrittenSpan);
                else OnControl(message.WrittenMemory);
            }
            message.ResetWrittenCount();
        }
    }

    private void OnAudio(ReadOnlySpan<byte> audio)
    {
        if (audio.IsEmpty)
        {
            BeginClose(WebSocketCloseStatus.PolicyViolation, "DATA-0000");
            return;
        }
        _record.AddAudio(audio.Length);
        _sha256.AppendData(audio);
        Decode(audio);
        if (_dropAfterFrames is int frames && _record.AudioFramesReceived >= frames) Drop();
    }

    private void Decode(ReadOnlySpan<byte> audio)
    {
        var pool = ArrayPool<short>.Shared;
        var samples = pool.Rent(audio.Length);
        try
        {
            int count;
            if (_parameters.Encoding == "mulaw")
            {
                MuLawDecoder.Decode(audio, samples);
                count = audio.Length;
            }
            else
            {
                count = 0;
                if (_pendingLinear16Byte is byte low)
                {
                    samples[count++] = (short)(low | (audio[0] << 8));
                    audio = audio[1..];
                    _pendingLinear16Byte = null;
                }
                for (; audio.Length >= 2; audio = audio[2..])
                    samples[count++] = BinaryPrimitives.ReadInt16LittleEndian(audio);
                if (audio.Length == 1) _pendingLinear16Byte = audio[0];
            }
            _receivedSamples += count;
            _arrivals.Enqueue((_receivedSamples, _time.GetTimestamp()));
            while (_arrivals.Count > 500) _arrivals.Dequeue();
            _detected.Clear();
            _segmenter.Push(samples.AsSpan(0, count), _detected);
            foreach (var detected in _detected) Reply(detected, fromFinalize: false);
        }
        finally
        {
            pool.Return(samples);
        }
    }

    private void OnControl(ReadOnlyMemory<byte> utf8)
    {
        string? type = null;
        try
        {
            using var document = JsonDocument.Parse(utf8);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("type", out var typeElement) && typeElement.ValueKind == JsonValueKind.String)
                type = typeElement.GetString();
        }
        catch (JsonException)
        {
            return; // Not a control message; Deepgram ignores text it does not understand.
        }

        switch (type)
        {
            case "KeepAlive":
                _record.AddKeepAlive();
                _emulator.Count(DeepgramEmulator.Counter.KeepAlive);
                break;
            case "Finalize":
                _record.AddFinalize();
                _emulator.Count(DeepgramEmulator.Counter.Finalize);
                Flush(fromFinalize: true);
                break;
            case "CloseStream":
                _record.AddCloseStream();
                _emulator.Count(DeepgramEmulator.Counter.CloseStream);
                Flush(fromFinalize: false);
                Enqueue(DeepgramEmulatorMessages.Metadata(_record.RequestId, Sha256Hex(), _time.GetUtcNow(), _segmenter.StreamSeconds, _model));
                BeginClose(WebSocketCloseStatus.NormalClosure, null);
                break;
        }
    }

    private void Flush(bool fromFinalize)
    {
        _detected.Clear();
        if (_segmenter.Flush(_detected))
        {
            foreach (var detected in _detected) Reply(detected, fromFinalize);
        }
        else if (fromFinalize)
        {
            // Nothing buffered: Deepgram still answers a Finalize with an (empty) final.
            var now = _segmenter.StreamSeconds;
            SendResults(new(now, 0, IsFinal: true, SpeechFinal: false, FromFinalize: true, "", 0, Punctuated, _record.RequestId, _model));
        }
    }

    private void Reply(SegmenterEvent detected, bool fromFinalize)
    {
        switch (detected.Kind)
        {
            case SegmenterEventKind.SpeechStarted:
                TakeTranscript();
                if (_parameters.VadEvents) Enqueue(DeepgramEmulatorMessages.SpeechStarted(detected.Start));
                break;

            case SegmenterEventKind.Interim:
                LeaveClosedWindow(detected.End);
                if (!_parameters.InterimResults) break;
                SendResults(new(detected.Start, detected.End - detected.Start, IsFinal: false, SpeechFinal: false, FromFinalize: false,
                    InterimText(detected.End - detected.Start), Confidence * 0.9, Punctuated, _record.RequestId, _model));
                break;

            case SegmenterEventKind.PieceFinalized:
                LeaveClosedWindow(detected.End);
                var piece = detected.End - detected.Start;
                SendResults(new(detected.Start, piece, IsFinal: true, SpeechFinal: false, FromFinalize: false,
                    _current?.Text ?? string.Create(CultureInfo.InvariantCulture, $"emulated speech {piece:0.0} seconds"), Confidence, Punctuated, _record.RequestId, _model));
                _current = null;
                _currentWindow = null;
                _piecesFinal = true;
                break;

            case SegmenterEventKind.Resumed:
                TakeTranscript(); // the caller went on: the next scripted words are what they say now
                _piecesFinal = false;
                break;

            case SegmenterEventKind.SegmentEnded:
                LeaveClosedWindow(detected.End);
                var duration = detected.End - detected.Start;
                // Everything said was finalized already: the endpoint's result carries no new words.
                var text = _piecesFinal ? "" : _current?.Text ?? string.Create(CultureInfo.InvariantCulture, $"emulated speech {duration:0.0} seconds");
                _piecesFinal = false;
                var speechFinal = detected.Endpoint && _parameters.EndpointingMs is not null;
                SendResults(new(detected.Start, duration, IsFinal: true, SpeechFinal: speechFinal,
                    fromFinalize, text, Confidence, Punctuated, _record.RequestId, _model), speechFinal ? ArrivalOf(detected.End) : 0);
                _current = null;
                _currentWindow = null;
                break;

            case SegmenterEventKind.UtteranceEnded:
                Enqueue(DeepgramEmulatorMessages.UtteranceEnd(detected.End));
                break;
        }
    }

    /// <summary>What the speech starting now says: the open hearing window's words, else the next queued transcript.</summary>
    private void TakeTranscript()
    {
        _currentWindow = _emulator.OpenWindow;
        _current = _currentWindow?.Transcript ?? _emulator.TakeTranscript();
    }

    /// <summary>
    /// Speech heard in a window that has closed since and that went on in audio arriving after the close (up to stream
    /// second <paramref name="speechEnd"/>) holds what came after the window: it is heard as the next queued transcript.
    /// </summary>
    private void LeaveClosedWindow(double speechEnd)
    {
        if (_currentWindow?.ClosedAt is not long closedAt || ArrivalOf(speechEnd) <= closedAt) return;
        _currentWindow = null;
        _current = _emulator.TakeTranscript();
    }

    private double Confidence => _current?.Confidence ?? DeepgramEmulator.DefaultConfidence;

    private bool Punctuated => _parameters.Punctuate || _parameters.SmartFormat;

    /// <summary>The first words of the segment's text, about 2.5 words per second of speech so far.</summary>
    private string InterimText(double seconds)
    {
        var words = (_current?.Text ?? "emulated speech").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var count = Math.Clamp((int)Math.Round(seconds * 2.5), 1, Math.Max(1, words.Length));
        return string.Join(' ', words.Take(count));
    }

    private void SendResults(DeepgramEmulatorMessages.ResultsMessage results, long speechEndArrivedAt = 0)
    {
        while (_emulator.TakeInjectedText() is { } raw) Enqueue(raw);
        Enqueue(DeepgramEmulatorMessages.Results(results), speechEndArrivedAt);
    }

    /// <summary>When the audio frame holding stream second <paramref name="streamSeconds"/> arrived (now, if it is older than what is kept).</summary>
    private long ArrivalOf(double streamSeconds)
    {
        var sample = (long)Math.Ceiling(streamSeconds * _parameters.SampleRate);
        foreach (var (samples, at) in _arrivals)
            if (samples >= sample) return at;
        return _time.GetTimestamp();
    }

    private string Sha256Hex()
    {
        Span<byte> hash = stackalloc byte[32];
        _sha256.GetCurrentHash(hash);
        return Convert.ToHexStringLower(hash);
    }

    private void Enqueue(byte[] payload, long speechEndArrivedAt = 0)
        => _outgoing.Writer.TryWrite(new Outgoing(payload, _time.GetTimestamp() + (long)(_emulator.ResultLatency.TotalSeconds * _time.TimestampFrequency),
            SpeechEndArrivedAt: speechEndArrivedAt));

    /// <summary>Queues our close frame (once) and gives the client a bounded time to answer it.</summary>
    private void BeginClose(WebSocketCloseStatus status, string? description)
    {
        if (Interlocked.Exchange(ref _closing, 1) != 0) return;
        _outgoing.Writer.TryWrite(new Outgoing(null, _time.GetTimestamp(), status, description));
        _outgoing.Writer.TryComplete();
        _closeDeadline.CancelAfter(s_closeHandshakeTimeout);
    }

    /// <summary>
    /// One watchdog tick. Idle time grows by the time since the last tick, but by at most two periods: a tick that comes
    /// much later than scheduled means this process was not running, and the frames the client sent meanwhile have not
    /// been read yet. A frame read since the last tick starts the count again from that frame.
    /// </summary>
    private void CheckIdle()
    {
        var now = _time.GetTimestamp();
        var sinceTick = Math.Min(now - _lastTickAt, 2 * _tickTimestamps);
        _lastTickAt = now;
        _idleTimestamps = Interlocked.Exchange(ref _framesSinceTick, 0) != 0
            ? Math.Min(now - Volatile.Read(ref _lastFrameAt), sinceTick)
            : _idleTimestamps + sinceTick;
        if (_idleTimestamps >= (long)(_emulator.IdleTimeout.TotalSeconds * _time.TimestampFrequency))
            BeginClose(WebSocketCloseStatus.InternalServerError, "NET-0001");
    }

    private async Task WriteLoopAsync(CancellationToken aborted)
    {
        try
        {
            await foreach (var item in _outgoing.Reader.ReadAllAsync(aborted))
            {
                var wait = item.DueAt - _time.GetTimestamp();
                if (wait > 0) await Task.Delay(TimeSpan.FromSeconds((double)wait / _time.TimestampFrequency), _time, aborted);
                if (item.Close is { } status)
                {
                    _record.SetServerClose(status);
                    await _socket.CloseOutputAsync(status, item.CloseDescription, aborted);
                    return;
                }
                await _socket.SendAsync(item.Payload.AsMemory(), WebSocketMessageType.Text, endOfMessage: true, aborted);
                if (item.SpeechEndArrivedAt != 0) _record.AddEndpoint(new DeepgramEmulatorEndpoint(item.SpeechEndArrivedAt, _time.GetTimestamp()));
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or IOException or ObjectDisposedException)
        {
            // The connection went away; the read loop ends too.
        }
    }
}
