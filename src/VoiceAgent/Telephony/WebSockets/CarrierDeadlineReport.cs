using VoiceAgent.Conversation;

namespace VoiceAgent.Telephony.WebSockets;

/// <summary>What every carrier's read loop does when its <see cref="CarrierWatch"/> reports a limit.</summary>
internal static class CarrierDeadlineReport
{
    /// <summary>
    /// Tells the call's engine that <paramref name="deadline"/> was reached. The first maximum-length report is polite:
    /// the engine says goodbye and ends the call, the watch gives the carrier one stall period to close, and the caller
    /// keeps reading (true). Any other limit ends the call (false). Without a session yet there is nothing to tell.
    /// </summary>
    public static async ValueTask<bool> ReportAsync(this CarrierWatch watch, CarrierDeadline deadline, CallSession? session, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (session is null) return false;
        if (deadline == CarrierDeadline.MaxCallLength && !watch.TimeLimitReported)
        {
            watch.RearmAfterTimeLimit();
            await session.PostAsync(new CallTimeLimitReached { ReceivedAt = clock.GetTimestamp() }, cancellationToken);
            return true;
        }
        await session.PostAsync(new CallEnded(deadline.Reason()) { ReceivedAt = clock.GetTimestamp() }, cancellationToken);
        return false;
    }
}
