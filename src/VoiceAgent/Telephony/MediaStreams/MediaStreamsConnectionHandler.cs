using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using VoiceAgent.Conversation;
using VoiceAgent.Hosting.Drain;
using VoiceAgent.Observability;
using VoiceAgent.Speech.Pipeline;
using VoiceAgent.Telephony.Twilio.Rest;
using VoiceAgent.Telephony.WebSockets;

namespace VoiceAgent.Telephony.MediaStreams;

/// <summary>
/// Serves one Twilio Media Streams socket (bidirectional <c>&lt;Connect&gt;&lt;Stream&gt;</c>): <c>start</c> builds the
/// call (locale from the caller's number or a <c>locale</c> parameter), <c>media</c> feeds the speech pipeline,
/// <c>mark</c> tells it what was played, <c>dtmf</c> and <c>stop</c> reach the engine. Bad frames are logged and skipped.
/// </summary>
internal sealed partial class MediaStreamsConnectionHandler(
    AudioCallFactory calls,
    CallHandoff handoff,
    VoiceAgentMetrics metrics,
    ILogger<MediaStreamsConnectionHandler> logger,
    Func<string?, bool> isAccountAllowed,
    LiveCalls liveCalls,
    CarrierLimits limits,
    Outbound.OutboundAudioWatch? outbound = null,
    CarrierOutputMetrics? outputMetrics = null)
{
    internal const string TransportName = "media-streams";
    private const int MaxFrameBytes = 64 * 1024;

    public async Task HandleAsync(HttpContext context)
    {
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        // Not linked to RequestAborted: a send stall aborts the socket itself, which fires RequestAborted at once, and the
        // engine must still read the CallEnded the deadline just posted (or the call is stored resumable, not ended).
        // A socket lost by the carrier fails the read (it is given RequestAborted) and the catch below ends the call at once.
        using var callCts = new CancellationTokenSource();
        // A drain hands the call over by ending the socket: Twilio runs the <Redirect> and another instance resumes it.
        using var registration = liveCalls.Register(callCts);
        using var reader = new WebSocketMessageReader(socket, MaxFrameBytes);
        using var watch = new CarrierWatch(limits, calls.Clock, watchIdle: true);
        var writer = new CarrierSocketWriter(socket, watch, calls.Clock, outputMetrics, TransportName, inlineWrites: true);
        MediaStreamsAudioTransport? carrier = null;
        AudioCall? call = null;
        Outbound.OutboundAudioWatch.Listener? machine = null;
        var callId = "pending";
        var audio = new byte[1024];
        try
        {
            var receiver = new CarrierReceiver(reader, watch, calls.Clock, deadline => LogDeadline(logger, callId, deadline), context.RequestAborted);
            while (!callCts.IsCancellationRequested)
            {
                if (await receiver.ReceiveAsync(call?.Session, callCts.Token) is not { } next) break; // a limit ended the call
                var (message, receivedAt) = next;
                if (message.IsClose) break;
                if (message.TooLarge || message.Type != WebSocketMessageType.Text) { Reject(callId, message.TooLarge ? "frame over 64 KiB" : "binary frame"); continue; }

                // The hot path (50 a second): caller audio read in place, decoded into this call's buffer, copied once into the pipeline's.
                if (call is not null)
                {
                    var read = MediaStreamsMediaReader.TryRead(message.Payload.Span, audio, out var decoded, out var carrierMs);
                    if (read == MediaFrameRead.OtherTrack) continue;
                    if (read == MediaFrameRead.Audio)
                    {
                        machine?.OnAudio(audio.AsSpan(0, decoded));
                        await call.Pipeline.OnAudioAsync(audio.AsMemory(0, decoded), receivedAt, callCts.Token, carrierMs);
                        continue;
                    }
                }

                MediaStreamsInboundMessage? m;
                try { m = JsonSerializer.Deserialize(message.Payload.Span, MediaStreamsJsonContext.Default.MediaStreamsInboundMessage); }
                catch (JsonException ex) { Reject(callId, "malformed JSON: " + ex.Message); continue; }

                switch (m?.Event)
                {
                    case "connected":
                        break;
                    case "start" when m.Start is { CallSid: not null } start && call is null:
                        if (!isAccountAllowed(start.AccountSid))
                        {
                            LogAccountRejected(logger, start.CallSid);
                            await socket.CloseAsync(WebSocketCloseStatus.PolicyViolation, "account not allowed", callCts.Token);
                            return;
                        }
                        if (start.MediaFormat is { } format && (format.Encoding != "audio/x-mulaw" || format.SampleRate != 8000))
                        {
                            Reject(start.CallSid, $"unsupported media format {format.Encoding}/{format.SampleRate}");
                            await socket.CloseAsync(WebSocketCloseStatus.InvalidPayloadData, "only audio/x-mulaw 8000 Hz is supported", callCts.Token);
                            return;
                        }
                        callId = start.CallSid;
                        watch.Started();
                        var parameters = start.CustomParameters ?? new Dictionary<string, string>();
                        var info = new CallInfo(start.CallSid, parameters.GetValueOrDefault("From") ?? parameters.GetValueOrDefault("from"),
                            parameters.GetValueOrDefault("To") ?? parameters.GetValueOrDefault("to"), parameters)
                        { SessionId = start.StreamSid ?? m.StreamSid, AccountSid = start.AccountSid, Direction = "inbound" };
                        carrier = new MediaStreamsAudioTransport(writer, start.StreamSid ?? m.StreamSid ?? "", start.CallSid, handoff, info.To);
                        machine = outbound?.Listen(info); // an outbound call: our second opinion on an answering machine
                        call = await AudioCall.StartAsync(calls, carrier, TransportName, info, callCts.Token);
                        break;
                    case "media" when call is not null && m.Media?.Payload is { } payload:
                        if (m.Media.Track is not (null or "inbound")) break;
                        if (!Convert.TryFromBase64String(payload, audio, out var length) || length == 0) { Reject(callId, "media payload is not base64 audio"); break; }
                        machine?.OnAudio(audio.AsSpan(0, length));
                        await call.Pipeline.OnAudioAsync(audio.AsMemory(0, length), receivedAt, callCts.Token, m.Media.TimestampMs);
                        break;
                    case "mark" when call is not null && m.Mark?.Name is { } name:
                        await call.Pipeline.OnMarkAsync(name);
                        break;
                    case "dtmf" when call is not null && m.Dtmf?.Digit is { Length: 1 } digit:
                        await call.Pipeline.OnDigitAsync(digit, receivedAt, callCts.Token);
                        break;
                    case "stop":
                        if (call is not null) await call.Session.PostAsync(new CallEnded("stream stopped") { ReceivedAt = receivedAt }, callCts.Token);
                        return;
                    default:
                        Reject(callId, $"unexpected or incomplete '{m?.Event}' message");
                        break;
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException)
        {
            LogSocketEnded(logger, callId, ex.GetType().Name);
            await callCts.CancelAsync(); // the socket is gone: the call stops now (left resumable), no wind-down
        }
        catch (Exception ex)
        {
            LogCallFailed(logger, callId, ex); // the call's edge: this call ends, the server keeps serving
        }
        finally
        {
            if (call is not null) await SessionWindDown.LetFinishAsync(call.Session, call.Completion, limits.WindDownGrace, calls.Clock);
            await callCts.CancelAsync();
            if (call is not null) await call.DisposeAsync();
            carrier?.Dispose();
            await writer.DisposeAsync();
            await WebSocketClosing.CloseQuietlyAsync(socket, WebSocketCloseStatus.NormalClosure, "call ended");
        }
    }

    private void Reject(string callId, string reason)
    {
        metrics.RecordRejectedFrame(TransportName, reason.Split(':')[0]);
        LogFrameRejected(logger, callId, reason);
    }

    [LoggerMessage(EventId = EventIds.FrameRejected + 10, Level = LogLevel.Warning, Message = "Call {CallId}: skipped a Media Streams frame: {Reason}")]
    private static partial void LogFrameRejected(ILogger logger, string callId, string reason);

    [LoggerMessage(EventId = EventIds.SocketClosed + 10, Level = LogLevel.Information, Message = "Call {CallId}: media socket ended ({Reason})")]
    private static partial void LogSocketEnded(ILogger logger, string callId, string reason);

    [LoggerMessage(EventId = EventIds.AccountRejected + 10, Level = LogLevel.Warning, Message = "Call {CallId}: AccountSid not on the allow-list; closing the media socket")]
    private static partial void LogAccountRejected(ILogger logger, string callId);

    [LoggerMessage(EventId = EventIds.CarrierDeadline + 1, Level = LogLevel.Warning, Message = "Call {CallId} (media): ending the call: {Deadline}")]
    private static partial void LogDeadline(ILogger logger, string callId, CarrierDeadline deadline);

    [LoggerMessage(EventId = EventIds.CallFailed + 10, Level = LogLevel.Error, Message = "Call {CallId} (media) failed")]
    private static partial void LogCallFailed(ILogger logger, string callId, Exception exception);
}
