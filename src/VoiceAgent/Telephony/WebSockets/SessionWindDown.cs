using VoiceAgent.Conversation;

namespace VoiceAgent.Telephony.WebSockets;

/// <summary>
/// The end of a carrier socket's read loop, before the call is cancelled: the engine is told no more input comes and
/// gets a bounded time (on the injected clock) to handle what is already in its mailbox, such as the
/// <see cref="CallEnded"/> a deadline or the carrier's close just posted. Cancelling at once would race that event
/// and leave a call that ended normally stored as resumable, its transcript unfiled.
/// </summary>
internal static class SessionWindDown
{
    public static async Task LetFinishAsync(CallSession session, Task run, TimeSpan grace, TimeProvider clock)
    {
        session.CompleteInput();
        if (run.IsCompleted) return;
        using var timeout = new CancellationTokenSource(grace, clock);
        var expired = Task.Delay(Timeout.InfiniteTimeSpan, timeout.Token);
        await Task.WhenAny(run, expired); // the run's own outcome is observed by whoever awaits it next
    }
}
