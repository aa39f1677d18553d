using System.Runtime.CompilerServices;
using VoiceAgent.Conversation;

namespace VoiceAgent.Telephony.WebSockets;

/// <summary>
/// The read side of a media carrier's socket loop (Twilio Media Streams, Vonage): the next message, or the limit of the
/// <see cref="CarrierWatch"/> reached first (no opening message in time, an idle carrier, a send stall, the maximum call
/// length), reported to the call's engine. A read still pending when a polite limit is reported (the first
/// maximum-length report, after which the carrier gets time to hang up) is kept for the next message.
/// </summary>
/// <param name="reached">Told each limit as it is reached (the transport's log line), before it is reported.</param>
/// <param name="readToken">Ends a pending read (the request's abort). Reads are not cancelled with the call: cancelling a receive aborts the socket, and ending the call closes it properly.</param>
internal sealed class CarrierReceiver(WebSocketMessageReader reader, CarrierWatch watch, TimeProvider clock, Action<CarrierDeadline> reached, CancellationToken readToken)
{
    private Task<WebSocketMessage>? _receiving;

    /// <summary>
    /// The next message and the clock timestamp it arrived at (the idle limit starts again); null once a limit ended the
    /// call, or when <paramref name="callToken"/> is cancelled after a polite limit was reported.
    /// </summary>
    /// <param name="session">The call's engine, once the opening message started it.</param>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))] // per inbound frame: its state machine is reused
    public async ValueTask<CarrierMessage?> ReceiveAsync(CallSession? session, CancellationToken callToken)
    {
        do
        {
            _receiving ??= reader.ReadAsync(readToken).AsTask();
            // A deadline wins over the read it may have ended: a send stall aborts the socket, which fails the pending read too.
            if (await Task.WhenAny(_receiving, watch.Expired) != _receiving || watch.Expired.IsCompleted)
            {
                var deadline = await watch.Expired;
                reached(deadline);
                if (await watch.ReportAsync(deadline, session, clock, callToken)) continue;
                return null;
            }
            var message = await _receiving;
            _receiving = null;
            var receivedAt = clock.GetTimestamp();
            watch.Received();
            return new CarrierMessage(message, receivedAt);
        }
        while (!callToken.IsCancellationRequested);
        return null;
    }
}
