using System.Net.WebSockets;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using VoiceAgent.Conversation;
using VoiceAgent.Hosting.Drain;
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
    Func<string?, bool> isAccountAllowed,
    LiveCalls liveCalls,
    CarrierLimits limits,
    CarrierOutputMetrics? outputMetrics = null)
{
    internal const string TransportName = "conversation-relay";
    private const int MaxFrameBytes = 64 * 1024;
    /// <summary>Room for a usual frame (a prompt, a setup with a few custom parameters); a larger one grows the buffer.</summary>
    private const int InitialFrameBytes = 2 * 1024;

    public async Task HandleAsync(HttpContext context)
    {
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        // Not linked to RequestAborted: a send stall aborts the socket itself, which fires RequestAborted at once, and the
        // engine must still read the CallEnded the deadline just posted (or the call is stored resumable, not ended).
        // A socket lost by the carrier fails the read (it is given RequestAborted) and the catch below ends the call at once.
        using var callCts = new CancellationTokenSource();
        using var watch = new CarrierWatch(limits, sessions.Clock, watchIdle: false);
        // Token frames are written by the writer's pump, not inline by the turn that produced them: measured from outside
        // at 500 calls (docs/hot-path.md, "Quiet re-run"), inline writes cut pool work items per token but made the model
        // stream's reader wait on socket writes, and ingress+egress p50/p99 rose from 27.5/166 to 70/299 ms. Re-measured
        // 2026-12-08 (docs/hot-path.md, "Round 7"): 72 -> 22 work items a turn at 200 calls, but CPU per turn 1.08x (200
        // calls) and 1.22x (500), ingress+egress p99 1.62x at 500: still off.
        var writer = new CarrierSocketWriter(socket, watch, sessions.Clock, outputMetrics, TransportName, inlineWrites: false);
        using var transport = new RelayTransport(writer);
        // A drain hands the call over by stopping its engine (no more sends), then closing the socket with 1001.
        using var handover = new CancellationTokenSource();
        using var registration = liveCalls.Register(handover);
        using var sessionCts = CancellationTokenSource.CreateLinkedTokenSource(callCts.Token, handover.Token);
        var session = sessions.Create(transport, TransportName);
        var sessionTask = session.RunAsync(sessionCts.Token);
        var closeStatus = WebSocketCloseStatus.NormalClosure;
        try
        {
            closeStatus = await ReceiveAsync(socket, session, sessionTask, watch, () => registration.HandedOver, context.RequestAborted, callCts.Token);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException)
        {
            LogSocketClosed(logger, session.CallId, ex.GetType().Name);
            await callCts.CancelAsync(); // the socket is gone: the call stops now (left resumable), no wind-down
        }
        catch (Exception ex)
        {
            LogCallFailed(logger, session.CallId, ex); // the call's edge: this call ends, the server keeps serving
        }
        finally
        {
            await SessionWindDown.LetFinishAsync(session, sessionTask, limits.WindDownGrace, sessions.Clock);
            await callCts.CancelAsync();
            try { await sessionTask; }
            catch (Exception ex) { LogCallFailed(logger, session.CallId, ex); } // the call's edge: one call dies, the server lives
            await writer.DisposeAsync();
            await WebSocketClosing.CloseQuietlyAsync(socket, closeStatus, closeStatus == WebSocketCloseStatus.PolicyViolation ? "account not allowed" : "call ended");
        }
    }

    /// <param name="readToken">Only the connection's own abort: cancelling a receive aborts the socket, and ending the call closes it properly.</param>
    private async Task<WebSocketCloseStatus> ReceiveAsync(WebSocket socket, CallSession session, Task sessionTask, CarrierWatch watch, Func<bool> handedOver, CancellationToken readToken, CancellationToken ct)
    {
        using var reader = new WebSocketMessageReader(socket, MaxFrameBytes, InitialFrameBytes);
        var clock = sessions.Clock;
        var receiving = reader.ReadAsync(readToken).AsTask();
        while (true)
        {
            // The engine may end the call by itself (a failure at its edge): stop reading then.
            var next = await Task.WhenAny(receiving, sessionTask, watch.Expired);
            // A deadline wins over the read it may have ended: a send stall aborts the socket, which fails the pending read too.
            if (watch.Expired.IsCompleted)
            {
                var deadline = await watch.Expired;
                LogDeadline(logger, session.CallId, deadline);
                // The first maximum-length report makes the engine send `end`; Twilio then closes the socket (the stall limit bounds the wait).
                if (await watch.ReportAsync(deadline, session, clock, ct)) continue;
                return deadline == CarrierDeadline.NeverStarted ? WebSocketCloseStatus.PolicyViolation : WebSocketCloseStatus.NormalClosure;
            }
            if (next == sessionTask)
            {
                if (handedOver()) await HandOverAsync(socket, receiving);
                return WebSocketCloseStatus.NormalClosure;
            }
            var message = await receiving;
            var receivedAt = clock.GetTimestamp();
            if (message.IsClose)
            {
                await session.PostAsync(new CallEnded("carrier closed the socket") { ReceivedAt = receivedAt }, ct);
                return WebSocketCloseStatus.NormalClosure;
            }
            if (await HandleFrameAsync(message, session, watch, receivedAt, ct) is { } policyViolation) return policyViolation;
            receiving = reader.ReadAsync(readToken).AsTask();
        }
    }

    /// <summary>
    /// A drain stopped the engine (no more sends; its last state is queued for the store): close with 1001, going away,
    /// and wait briefly for the carrier's close so the frame is not lost to a reset. The carrier comes back through the
    /// action callback, to another instance.
    /// </summary>
    private static async Task HandOverAsync(WebSocket socket, Task<WebSocketMessage> receiving)
    {
        await WebSocketClosing.CloseOutputQuietlyAsync(socket, WebSocketCloseStatus.EndpointUnavailable, "instance draining");
        try { await receiving.WaitAsync(TimeSpan.FromSeconds(2)); }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException or TimeoutException)
        {
            // The carrier did not answer the close in time or dropped: the socket is being disposed either way.
        }
    }

    private async ValueTask<WebSocketCloseStatus?> HandleFrameAsync(WebSocketMessage message, CallSession session, CarrierWatch watch, long receivedAt, CancellationToken ct)
    {
        if (message.TooLarge) { Reject(session, "frame over 64 KiB"); return null; }
        if (message.Type != WebSocketMessageType.Text) { Reject(session, "binary frame"); return null; }

        var parsed = RelayMessageParser.Parse(message.Payload.Span, receivedAt);
        if (parsed.Rejection is not null) { Reject(session, parsed.Rejection); return null; }
        if (parsed.Ignored is { } ignored) { LogFrameIgnored(logger, session.CallId, ignored); return null; }

        if (parsed.Event is CallStarted) watch.Started();
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
    private static partial void LogFrameIgnored(ILogger logger, string callId, RelayIgnoredFrame what);

    [LoggerMessage(EventId = EventIds.SocketClosed, Level = LogLevel.Information, Message = "Call {CallId}: socket ended ({Reason})")]
    private static partial void LogSocketClosed(ILogger logger, string callId, string reason);

    [LoggerMessage(EventId = EventIds.AccountRejected, Level = LogLevel.Warning, Message = "Call {CallId}: AccountSid not on the allow-list; closing the socket")]
    private static partial void LogAccountRejected(ILogger logger, string callId);

    [LoggerMessage(EventId = EventIds.CarrierDeadline, Level = LogLevel.Warning, Message = "Call {CallId}: ending the call: {Deadline}")]
    private static partial void LogDeadline(ILogger logger, string callId, CarrierDeadline deadline);

    [LoggerMessage(EventId = EventIds.CallFailed, Level = LogLevel.Error, Message = "Call {CallId} failed")]
    private static partial void LogCallFailed(ILogger logger, string callId, Exception exception);
}
