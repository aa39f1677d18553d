using System.Net.WebSockets;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using VoiceAgent.Conversation;
using VoiceAgent.Observability;
using VoiceAgent.Telephony.WebSockets;

namespace VoiceAgent.Telephony.ConversationRelay;

/// <summary>
/// Serves one ConversationRelay WebSocket: reads Twilio's frames into the call's engine and lets the engine
/// write replies back. A bad frame (malformed JSON, unknown type, binary, oversized) is logged, counted and
/// skipped; it never ends the call. The signature was already checked on the upgrade.
/// </summary>
internal sealed partial class RelayConnectionHandler(
    CallSessionFactory sessions,
    VoiceAgentMetrics metrics,
    ILogger<RelayConnectionHandler> logger,
    Func<string?, bool> isAccountAllowed)
{
    internal const string TransportName = "conversation-relay";
    private const int MaxFrameBytes = 64 * 1024;

    public async Task HandleAsync(HttpContext context)
    {
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        using var callCts = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        using var transport = new RelayTransport(socket);
        var session = sessions.Create(transport, TransportName);
        var sessionTask = session.RunAsync(callCts.Token);
        var closeStatus = WebSocketCloseStatus.NormalClosure;
        try
        {
            closeStatus = await ReceiveAsync(socket, session, sessionTask, callCts.Token);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException)
        {
            LogSocketClosed(logger, session.CallId, ex.GetType().Name);
        }
        catch (Exception ex)
        {
            LogCallFailed(logger, session.CallId, ex); // the call's edge: this call ends, the server keeps serving
        }
        finally
        {
            session.CompleteInput();
            await callCts.CancelAsync();
            try { await sessionTask; }
            catch (Exception ex) { LogCallFailed(logger, session.CallId, ex); } // the call's edge: one call dies, the server lives
            await WebSocketClosing.CloseQuietlyAsync(socket, closeStatus, closeStatus == WebSocketCloseStatus.PolicyViolation ? "account not allowed" : "call ended");
        }
    }

    private async Task<WebSocketCloseStatus> ReceiveAsync(WebSocket socket, CallSession session, Task sessionTask, CancellationToken ct)
    {
        using var reader = new WebSocketMessageReader(socket, MaxFrameBytes);
        var clock = sessions.Clock;
        var receiving = reader.ReadAsync(ct).AsTask();
        while (true)
        {
            // The engine may end the call by itself (a failure at its edge): stop reading then.
            if (await Task.WhenAny(receiving, sessionTask) == sessionTask) return WebSocketCloseStatus.NormalClosure;
            var message = await receiving;
            var receivedAt = clock.GetTimestamp();
            if (message.IsClose)
            {
                await session.PostAsync(new CallEnded("carrier closed the socket") { ReceivedAt = receivedAt }, ct);
                return WebSocketCloseStatus.NormalClosure;
            }
            if (await HandleFrameAsync(message, session, receivedAt, ct) is { } policyViolation) return policyViolation;
            receiving = reader.ReadAsync(ct).AsTask();
        }
    }

    private async ValueTask<WebSocketCloseStatus?> HandleFrameAsync(WebSocketMessage message, CallSession session, long receivedAt, CancellationToken ct)
    {
        if (message.TooLarge) { Reject(session, "frame over 64 KiB"); return null; }
        if (message.Type != WebSocketMessageType.Text) { Reject(session, "binary frame"); return null; }

        var parsed = RelayMessageParser.Parse(message.Payload.Span, receivedAt);
        if (parsed.Rejection is not null) { Reject(session, parsed.Rejection); return null; }
        if (parsed.Ignored is not null) { LogFrameIgnored(logger, session.CallId, parsed.Ignored); return null; }

        if (parsed.Event is CallStarted started && !isAccountAllowed(started.Call.AccountSid))
        {
            LogAccountRejected(logger, started.Call.CallSid);
            await session.PostAsync(new CallEnded("account not allowed") { ReceivedAt = receivedAt }, ct);
            return WebSocketCloseStatus.PolicyViolation;
        }
        await session.PostAsync(parsed.Event!, ct);
        return null;
    }

    private void Reject(CallSession session, string reason)
    {
        metrics.RecordRejectedFrame(TransportName, reason.Split(':')[0]);
        LogFrameRejected(logger, session.CallId, reason);
    }

    [LoggerMessage(EventId = EventIds.FrameRejected, Level = LogLevel.Warning, Message = "Call {CallId}: skipped a ConversationRelay frame: {Reason}")]
    private static partial void LogFrameRejected(ILogger logger, string callId, string reason);

    [LoggerMessage(EventId = EventIds.FrameIgnored, Level = LogLevel.Debug, Message = "Call {CallId}: ignored frame: {What}")]
    private static partial void LogFrameIgnored(ILogger logger, string callId, string what);

    [LoggerMessage(EventId = EventIds.SocketClosed, Level = LogLevel.Information, Message = "Call {CallId}: socket ended ({Reason})")]
    private static partial void LogSocketClosed(ILogger logger, string callId, string reason);

    [LoggerMessage(EventId = EventIds.AccountRejected, Level = LogLevel.Warning, Message = "Call {CallId}: AccountSid not on the allow-list; closing the socket")]
    private static partial void LogAccountRejected(ILogger logger, string callId);

    [LoggerMessage(EventId = EventIds.CallFailed, Level = LogLevel.Error, Message = "Call {CallId} failed")]
    private static partial void LogCallFailed(ILogger logger, string callId, Exception exception);
}
