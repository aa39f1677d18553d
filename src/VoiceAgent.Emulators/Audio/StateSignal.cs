namespace VoiceAgent.Emulators.Audio;

/// <summary>
/// Lets tests wait for a condition on a caller's recorded state without polling: every change pulses the
/// signal, waiters re-check their condition on each pulse. Once the call has ended, a wait whose condition
/// is still false fails at once instead of hanging.
/// </summary>
internal sealed class StateSignal
{
    private TaskCompletionSource _changed = NewSource();
    private string? _endReason;

    /// <summary>Wakes every waiter to re-check its condition.</summary>
    public void Pulse() => Interlocked.Exchange(ref _changed, NewSource()).TrySetResult();

    /// <summary>No more changes will come; pending and future waits that are not yet satisfied fail.</summary>
    public void End(string reason)
    {
        Interlocked.CompareExchange(ref _endReason, reason, null);
        Pulse();
    }

    /// <summary>Completes once <paramref name="condition"/> holds.</summary>
    /// <exception cref="InvalidOperationException">The call ended with the condition still false.</exception>
    public async Task WaitAsync(Func<bool> condition, string waitingFor, CancellationToken cancellationToken)
    {
        while (true)
        {
            // Read the signal before the condition so a change between the two is never missed.
            var changed = Volatile.Read(ref _changed);
            if (condition()) return;
            if (Volatile.Read(ref _endReason) is { } reason)
                throw new InvalidOperationException($"The call ended ({reason}) before {waitingFor}.");
            await changed.Task.WaitAsync(cancellationToken);
        }
    }

    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
