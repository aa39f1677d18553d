using System.Buffers;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http;

namespace VoiceAgent.Emulators.ElevenLabs;

/// <summary>
/// One emulated stream-input connection. The receive loop validates and buffers text and decides when a
/// generation starts (chunk schedule, flush, EOS); the send loop, the only writer to the socket, turns
/// generations into paced audio messages, the final message, error frames and closes.
/// </summary>
internal sealed class ElevenLabsEmulatorConnection
{
    private const int MaxMessageBytes = 1024 * 1024;
    private static readonly IReadOnlyList<int> DefaultSchedule = [120, 160, 250, 290];
    private static readonly TimeSpan CloseHandshakeBudget = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan DropSettleTime = TimeSpan.FromMilliseconds(100);

    private readonly WebSocket _socket;
    private readonly HttpContext _http;
    private readonly ElevenLabsEmulatorSession _session;
    private readonly ElevenLabsEmulatorBehavior _behavior;
    private readonly TimeProvider _clock;
    private readonly Channel<Job> _outbox = Channel.CreateUnbounded<Job>(new UnboundedChannelOptions { SingleReader = true });
    private readonly StringBuilder _buffer = new();
    private readonly long _acceptedAt;

    private EmulatedAudioFormat? _format;
    private SpeechLikeSynthesizer? _synthesizer;
    private bool _syncAlignment;
    private TimeSpan _inactivityTimeout = TimeSpan.FromSeconds(20);
    private ITimer? _inactivity;
    private IReadOnlyList<int> _schedule = DefaultSchedule;
    private int _generations;
    private int _frameIndex;
    private bool _begun;
    private volatile bool _terminal;
    private bool _firstAudioSent;
    private ElevenLabsEmulatorFrame? _pending;

    public ElevenLabsEmulatorConnection(WebSocket socket, HttpContext http, ElevenLabsEmulatorSession session, ElevenLabsEmulatorBehavior behavior, TimeProvider clock)
    {
        _socket = socket;
        _http = http;
        _session = session;
        _behavior = behavior;
        _clock = clock;
        _acceptedAt = clock.GetTimestamp();
    }

    public async Task RunAsync(CancellationToken stopping)
    {
        using var lifetime = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        using var stopSending = CancellationTokenSource.CreateLinkedTokenSource(lifetime.Token);
        ReadQuery();
        if (!_terminal) _inactivity = _clock.CreateTimer(_ => OnInactive(), null, _inactivityTimeout, Timeout.InfiniteTimeSpan);
        try
        {
            var receive = ReceiveLoopAsync(lifetime.Token);
            var send = SendLoopAsync(stopSending.Token);
            if (await Task.WhenAny(receive, send) == receive)
            {
                // The client closed or dropped: stop generating at once.
                await stopSending.CancelAsync();
                await send;
                return;
            }

            // The emulator finished (final, error, drop): give the client a moment to answer the close.
            try { await receive.WaitAsync(CloseHandshakeBudget, _clock, stopping); }
            catch (TimeoutException) { _http.Abort(); }
            catch (OperationCanceledException) { }
            await lifetime.CancelAsync();
            await receive;
        }
        finally
        {
            _inactivity?.Dispose();
        }
    }

    private void ReadQuery()
    {
        var formatName = _session.Query.GetValueOrDefault("output_format", "mp3_44100_128");
        _format = EmulatedAudioFormat.Parse(formatName);
        if (_format is null)
        {
            Fail("unsupported_output_format", $"The emulator produces ulaw_8000, pcm_8000, pcm_16000 and pcm_24000, not '{formatName}'.");
            return;
        }

        _synthesizer = new SpeechLikeSynthesizer(_format.SampleRate);
        if (_session.Query.TryGetValue("inactivity_timeout", out var timeout))
        {
            if (!int.TryParse(timeout, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds is < 1 or > 180)
            {
                Fail("invalid_request", $"inactivity_timeout must be an integer from 1 to 180 seconds, not '{timeout}'.");
                return;
            }

            _inactivityTimeout = TimeSpan.FromSeconds(seconds);
        }

        if (_session.Query.TryGetValue("sync_alignment", out var sync))
        {
            if (!bool.TryParse(sync, out _syncAlignment))
                Fail("invalid_request", $"sync_alignment must be true or false, not '{sync}'.");
        }
    }

    private async Task ReceiveLoopAsync(CancellationToken cancellationToken)
    {
        await Task.Yield();
        var message = new ArrayBufferWriter<byte>(4096);
        try
        {
            while (true)
            {
                message.ResetWrittenCount();
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await _socket.ReceiveAsync(message.GetMemory(4096), cancellationToken);
                    message.Advance(result.Count);
                    if (message.WrittenCount > MaxMessageBytes)
                    {
                        Fail("invalid_input_message", "Message too large.");
                        return;
                    }
                }
                while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    _session.RecordClientClose(_socket.CloseStatus);
                    return;
                }

                OnMessage(result.MessageType, message.WrittenSpan, _clock.GetTimestamp());
            }
        }
        catch (Exception)
        {
            // Dropped, aborted or torn down: the edge of one emulated connection. The session decides
            // whether that was the client leaving early.
            _session.RecordClientClose(null);
        }
    }

    private void OnMessage(WebSocketMessageType type, ReadOnlySpan<byte> bytes, long receivedAt)
    {
        try
        {
            Handle(type, bytes, receivedAt);
        }
        finally
        {
            // Published only after it was acted on, so a test that saw the frame sees its effects too.
            if (_pending is { } frame) _session.RecordFrame(frame);
            _pending = null;
        }
    }

    private void Handle(WebSocketMessageType type, ReadOnlySpan<byte> bytes, long receivedAt)
    {
        var json = Encoding.UTF8.GetString(bytes);
        EmulatorClientMessage? message = null;
        if (type == WebSocketMessageType.Text)
        {
            try { message = JsonSerializer.Deserialize(json, ElevenLabsEmulatorJsonContext.Default.EmulatorClientMessage); }
            catch (JsonException) { }
        }

        if (message?.Text is not { } text)
        {
            Record(ElevenLabsEmulatorFrameKind.Invalid, null, message, json, receivedAt);
            Fail("invalid_input_message", "Could not parse input message, make sure it is a json and follows the schema outlined in protocol.");
            return;
        }

        if (!_begun)
        {
            OnBegin(message, text, json, receivedAt);
            return;
        }

        var kind = text.Length == 0 ? ElevenLabsEmulatorFrameKind.EndOfStream
            : text == " " ? ElevenLabsEmulatorFrameKind.KeepAlive
            : ElevenLabsEmulatorFrameKind.Text;
        Record(kind, text, message, json, receivedAt);
        if (_terminal) return;
        _inactivity?.Change(_inactivityTimeout, Timeout.InfiniteTimeSpan);

        if (kind == ElevenLabsEmulatorFrameKind.EndOfStream)
        {
            _terminal = true;
            _inactivity?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            Generate(_buffer.Length);
            _outbox.Writer.TryWrite(new FinalJob());
            return;
        }

        if (kind == ElevenLabsEmulatorFrameKind.Text) _buffer.Append(text);
        if (message.Flush == true)
        {
            Generate(_buffer.Length);
            return;
        }

        var threshold = _schedule[Math.Min(_generations, _schedule.Count - 1)];
        if (_buffer.Length >= threshold) Generate(LastWordEnd());
    }

    private void OnBegin(EmulatorClientMessage message, string text, string json, long receivedAt)
    {
        if (text != " ")
        {
            Record(ElevenLabsEmulatorFrameKind.Invalid, text, message, json, receivedAt);
            Fail("invalid_input_message", "The first message must initialize the stream: text must be a single space.");
            return;
        }

        Record(ElevenLabsEmulatorFrameKind.Begin, text, message, json, receivedAt);
        var keyField = message.ApiKeyUnderscore ?? message.ApiKeyHyphen;
        var schedule = (message.GenerationConfig ?? message.GeneratorConfig)?.ChunkLengthSchedule;
        var voice = message.VoiceSettings;
        _session.Begin = new ElevenLabsEmulatorBeginSettings(
            voice?.Stability, voice?.SimilarityBoost, voice?.Style, voice?.UseSpeakerBoost, voice?.Speed,
            schedule?.Select(v => (int)v).ToArray(), keyField);
        if (_terminal) return;

        if (_session.ApiKeyHeader != _behavior.ApiKey && keyField != _behavior.ApiKey)
        {
            Fail("invalid_api_key", "Invalid API key: send it as the xi-api-key header or as xi_api_key in the first message.");
            return;
        }

        if (schedule is not null)
        {
            if (schedule.Length == 0 || schedule.Any(v => v is < 50 or > 500 || v != Math.Floor(v)))
            {
                Fail("invalid_request", "chunk_length_schedule values must be whole numbers from 50 to 500.");
                return;
            }

            _schedule = schedule.Select(v => (int)v).ToArray();
        }

        _begun = true;
        _inactivity?.Change(_inactivityTimeout, Timeout.InfiniteTimeSpan);
        _outbox.Writer.TryWrite(new CheckFaultsJob());
    }

    private int LastWordEnd()
    {
        for (var i = _buffer.Length - 1; i >= 0; i--)
        {
            if (char.IsWhiteSpace(_buffer[i])) return i + 1;
        }

        return 0;
    }

    private void Generate(int length)
    {
        if (length == 0) return;
        var text = _buffer.ToString(0, length);
        _buffer.Remove(0, length);
        _generations++;
        _session.RecordGeneration(text, _clock.GetTimestamp());
        _outbox.Writer.TryWrite(new SpeakJob(text));
    }

    private void OnInactive()
    {
        if (_terminal) return;
        Fail("input_timeout_exceeded",
            $"Have not received a new text input within the timeout of {_inactivityTimeout.TotalSeconds:0} seconds. Streaming input terminated. Please make sure to either feed the input in the timely manner, or to send the end of input text (empty string \"\") when done.");
    }

    private void Fail(string code, string message)
    {
        _terminal = true;
        _inactivity?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _outbox.Writer.TryWrite(new FailJob(code, message));
    }

    private void Record(ElevenLabsEmulatorFrameKind kind, string? text, EmulatorClientMessage? message, string json, long receivedAt)
        => _pending = new ElevenLabsEmulatorFrame(
            _frameIndex++, kind, text, message?.Flush == true, message?.TryTriggerGeneration == true, json,
            receivedAt, _clock.GetElapsedTime(_acceptedAt, receivedAt));

    private async Task SendLoopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var job in _outbox.Reader.ReadAllAsync(cancellationToken))
            {
                var finished = job switch
                {
                    CheckFaultsJob => await TriggerFaultsAsync(cancellationToken),
                    SpeakJob speak => await SpeakAsync(speak.Text, cancellationToken),
                    FinalJob => await SendFinalAsync(cancellationToken),
                    FailJob fail => await SendErrorAsync(fail.Code, fail.Message, cancellationToken),
                    _ => false,
                };
                if (finished) return;
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or IOException or ObjectDisposedException)
        {
            // The client left or the connection is being torn down.
        }
        finally
        {
            await AnswerClientCloseAsync();
        }
    }

    private async Task<bool> SpeakAsync(string text, CancellationToken cancellationToken)
    {
        var synthesizer = _synthesizer!;
        var format = _format!;
        var charsPerMessage = Math.Max(1, (int)Math.Round(_behavior.AudioMessageDuration.TotalMilliseconds / ElevenLabsEmulator.MillisecondsPerCharacter));
        for (var start = 0; start < text.Length; start += charsPerMessage)
        {
            var count = Math.Min(charsPerMessage, text.Length - start);
            var samples = new short[count * synthesizer.SamplesPerCharacter];
            synthesizer.Render(text, start, count, samples);
            var audio = format.Encode(samples);

            var delay = TimeSpan.FromMilliseconds(count * ElevenLabsEmulator.MillisecondsPerCharacter * _behavior.RealTimeFactor);
            if (!_firstAudioSent) delay += _behavior.FirstAudioDelay;
            if (delay > TimeSpan.Zero) await Task.Delay(delay, _clock, cancellationToken);

            var alignment = _syncAlignment ? Align(text, start, count) : null;
            await SendAsync(new EmulatorAudioMessage(audio, null, alignment, alignment), ElevenLabsEmulatorJsonContext.Default.EmulatorAudioMessage, cancellationToken);
            _firstAudioSent = true;
            _session.RecordAudioMessage(audio.Length, _clock.GetTimestamp());
            if (await TriggerFaultsAsync(cancellationToken)) return true;
        }

        return false;
    }

    private static EmulatorAlignment Align(string text, int start, int count)
    {
        var chars = new string[count];
        var starts = new int[count];
        var durations = new int[count];
        for (var i = 0; i < count; i++)
        {
            chars[i] = text[start + i].ToString();
            starts[i] = i * ElevenLabsEmulator.MillisecondsPerCharacter;
            durations[i] = ElevenLabsEmulator.MillisecondsPerCharacter;
        }

        return new EmulatorAlignment(starts, durations, chars);
    }

    private async Task<bool> TriggerFaultsAsync(CancellationToken cancellationToken)
    {
        var sent = _session.AudioMessagesSent;
        if (_behavior.DropConnectionAfterAudioMessages == sent)
        {
            // Aborting discards output Kestrel has not written to the socket yet; let the messages
            // already "sent" reach the client first, so the fault is "drop after N messages".
            if (sent > 0) await Task.Delay(DropSettleTime, _clock, cancellationToken);
            _session.RecordDropped();
            _http.Abort();
            return true;
        }

        if (_behavior.ErrorAfterAudioMessages == sent)
            return await SendErrorAsync(_behavior.ErrorCode, _behavior.ErrorMessage, cancellationToken);
        return false;
    }

    private async Task<bool> SendFinalAsync(CancellationToken cancellationToken)
    {
        _session.RecordFinalSent();
        if (_behavior.SnakeCaseFinalFlag)
            await SendAsync(new EmulatorSnakeCaseFinalMessage(true), ElevenLabsEmulatorJsonContext.Default.EmulatorSnakeCaseFinalMessage, cancellationToken);
        else
            await SendAsync(new EmulatorFinalMessage(true), ElevenLabsEmulatorJsonContext.Default.EmulatorFinalMessage, cancellationToken);
        _session.RecordServerClose(WebSocketCloseStatus.NormalClosure);
        await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, cancellationToken);
        return true;
    }

    private async Task<bool> SendErrorAsync(string code, string message, CancellationToken cancellationToken)
    {
        _session.RecordServerClose(WebSocketCloseStatus.PolicyViolation);
        await SendAsync(new EmulatorErrorMessage(message, code, (int)WebSocketCloseStatus.PolicyViolation), ElevenLabsEmulatorJsonContext.Default.EmulatorErrorMessage, cancellationToken);
        _session.RecordErrorSent(code);
        await _socket.CloseOutputAsync(WebSocketCloseStatus.PolicyViolation, CloseReason(message), cancellationToken);
        return true;
    }

    private async Task AnswerClientCloseAsync()
    {
        if (_socket.State != WebSocketState.CloseReceived) return;
        using var budget = new CancellationTokenSource(CloseHandshakeBudget, _clock);
        try { await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, budget.Token); }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or IOException or ObjectDisposedException) { }
    }

    private Task SendAsync<T>(T message, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
        => _socket.SendAsync(new ArraySegment<byte>(JsonSerializer.SerializeToUtf8Bytes(message, typeInfo)), WebSocketMessageType.Text, endOfMessage: true, cancellationToken);

    // A close reason is at most 123 UTF-8 bytes.
    private static string CloseReason(string message)
    {
        if (Encoding.UTF8.GetByteCount(message) <= 123) return message;
        var length = Math.Min(message.Length, 120);
        while (Encoding.UTF8.GetByteCount(message.AsSpan(0, length)) > 120) length--;
        return message[..length] + "...";
    }

    private abstract record Job;

    private sealed record CheckFaultsJob : Job;

    private sealed record SpeakJob(string Text) : Job;

    private sealed record FinalJob : Job;

    private sealed record FailJob(string Code, string Message) : Job;
}
