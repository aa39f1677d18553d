using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using VoiceAgent.Conversation;
using VoiceAgent.Hosting.Drain;
using VoiceAgent.Observability;
using VoiceAgent.Speech.Pipeline;
using VoiceAgent.Telephony.Vonage.Ncco;
using VoiceAgent.Telephony.WebSockets;

namespace VoiceAgent.Telephony.Vonage;

/// <summary>
/// Serves one Vonage WebSocket leg on the same speech pipeline and engine as Twilio Media Streams: proof that the
/// telephony side is swappable. The first frame must be <c>websocket:connected</c> carrying a valid per-call secret.
/// </summary>
internal sealed partial class VonageConnectionHandler(
    AudioCallFactory calls,
    VonageCallAuthenticator authenticator,
    VoiceAgentMetrics metrics,
    ILogger<VonageConnectionHandler> logger,
    CarrierLimits limits,
    Transfer.VonageWarmTransfer transfer,
    CarrierOutputMetrics outputMetrics,
    LiveCalls liveCalls)
{
    internal const string TransportName = "vonage";
    private const int MaxFrameBytes = 64 * 1024;

    public async Task HandleAsync(HttpContext context)
    {
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        // Not linked to RequestAborted: a send stall aborts the socket itself, which fires RequestAborted at once, and the
        // engine must still read the CallEnded the deadline just posted (or the call is stored resumable, not ended).
        // A socket lost by the carrier fails the read (it is given RequestAborted) and the catch below ends the call at once.
        using var callCts = new CancellationTokenSource();
        // Counted with the server's other live calls for the life of the socket: the memory reclaimer sees a wave of
        // Vonage calls end (without this it never ran after one), and a drain waits for these calls like the others.
        using var registration = liveCalls.Register(callCts);
        using var reader = new WebSocketMessageReader(socket, MaxFrameBytes);
        using var watch = new CarrierWatch(limits, calls.Clock, watchIdle: true);
        var writer = new CarrierSocketWriter(socket, watch, calls.Clock, outputMetrics, TransportName, inlineWrites: true);
        AudioCall? call = null;
        var callId = "pending";
        try
        {
            var receiver = new CarrierReceiver(reader, watch, calls.Clock, deadline => LogDeadline(logger, callId, deadline), context.RequestAborted);
            while (!callCts.IsCancellationRequested)
            {
                if (await receiver.ReceiveAsync(call?.Session, callCts.Token) is not { } next) return; // a limit ended the call
                var (message, receivedAt) = next;
                if (message.IsClose) break;
                if (message.TooLarge) { Reject(callId, "frame over 64 KiB"); continue; }
                if (message.Type == WebSocketMessageType.Binary)
                {
                    if (call is null) { Reject(callId, "audio before websocket:connected"); continue; }
                    await call.Pipeline.OnAudioAsync(message.Payload, receivedAt, callCts.Token); // copied by the pipeline before the next read
                    continue;
                }

                VonageInboundEvent? e;
                try { e = JsonSerializer.Deserialize(message.Payload.Span, VonageJsonContext.Default.VonageInboundEvent); }
                catch (JsonException ex) { Reject(callId, "malformed JSON: " + ex.Message); continue; }

                switch (e?.Event)
                {
                    case "websocket:connected" when call is null:
                        var uuid = e.Header(VonageCallAuthenticator.CallUuidHeader);
                        if (!authenticator.IsValid(uuid, e.Header(VonageCallSecret.HeaderName)))
                        {
                            LogRejected(logger, uuid ?? "(none)");
                            await socket.CloseAsync(WebSocketCloseStatus.PolicyViolation, "invalid call secret", callCts.Token);
                            return;
                        }
                        if (e.ContentType is not null && !e.ContentType.Replace(" ", "", StringComparison.Ordinal).Equals(VonageNcco.DefaultContentType, StringComparison.OrdinalIgnoreCase))
                        {
                            Reject(uuid!, $"unsupported content-type {e.ContentType}");
                            await socket.CloseAsync(WebSocketCloseStatus.InvalidPayloadData, "only audio/l16;rate=16000 is supported", callCts.Token);
                            return;
                        }
                        callId = uuid!;
                        watch.Started();
                        var parameters = (e.Extra ?? []).Where(p => p.Key != VonageCallSecret.HeaderName)
                            .ToDictionary(p => p.Key, p => p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.ToString());
                        var from = NormalizeNumber(parameters.GetValueOrDefault("from"));
                        var info = new CallInfo(uuid!, from, NormalizeNumber(parameters.GetValueOrDefault("to")), parameters) { Direction = "inbound" };
                        var carrier = new VonageAudioTransport(writer, transfer, uuid!, info.To);
                        call = await AudioCall.StartAsync(calls, carrier, TransportName, info, callCts.Token);
                        break;
                    case "websocket:dtmf" when call is not null && e.DigitPressed is { Length: 1 } digit:
                        await call.Pipeline.OnDigitAsync(digit, receivedAt, callCts.Token);
                        break;
                    case "websocket:notify" when call is not null && e.MarkName is { } mark:
                        await call.Pipeline.OnMarkAsync(mark);
                        break;
                    case "websocket:cleared":
                        break;
                    default:
                        Reject(callId, $"unexpected '{e?.Event}' event");
                        break;
                }
            }
            if (call is not null) await call.Session.PostAsync(new CallEnded("vonage closed the socket"), CancellationToken.None);
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
            await writer.DisposeAsync();
            await WebSocketClosing.CloseQuietlyAsync(socket, WebSocketCloseStatus.NormalClosure, "call ended");
        }
    }

    /// <summary>Vonage sends E.164 numbers without the plus.</summary>
    private static string? NormalizeNumber(string? number) => number is { Length: > 0 } && number[0] != '+' && number.All(char.IsAsciiDigit) ? "+" + number : number;

    private void Reject(string callId, string reason)
    {
        metrics.RecordRejectedFrame(TransportName, reason.Split(':')[0]);
        LogFrameRejected(logger, callId, reason);
    }

    [LoggerMessage(EventId = EventIds.FrameRejected + 20, Level = LogLevel.Warning, Message = "Call {CallId}: skipped a Vonage frame: {Reason}")]
    private static partial void LogFrameRejected(ILogger logger, string callId, string reason);

    [LoggerMessage(EventId = EventIds.SignatureRejected + 20, Level = LogLevel.Warning, Message = "Vonage leg {CallUuid}: call secret missing or wrong; closing")]
    private static partial void LogRejected(ILogger logger, string callUuid);

    [LoggerMessage(EventId = EventIds.SocketClosed + 20, Level = LogLevel.Information, Message = "Call {CallId}: Vonage socket ended ({Reason})")]
    private static partial void LogSocketEnded(ILogger logger, string callId, string reason);

    [LoggerMessage(EventId = EventIds.CarrierDeadline + 2, Level = LogLevel.Warning, Message = "Call {CallId} (vonage): ending the call: {Deadline}")]
    private static partial void LogDeadline(ILogger logger, string callId, CarrierDeadline deadline);

    [LoggerMessage(EventId = EventIds.CallFailed + 20, Level = LogLevel.Error, Message = "Call {CallId} (vonage) failed")]
    private static partial void LogCallFailed(ILogger logger, string callId, Exception exception);
}
