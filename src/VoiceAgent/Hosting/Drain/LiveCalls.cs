using System.Collections.Concurrent;

namespace VoiceAgent.Hosting.Drain;

/// <summary>
/// The calls this process is serving, so a drain can wait for them and hand the rest over. Each socket handler
/// registers its call's cancellation source for the life of the socket; handing over cancels it, which closes
/// the socket without ending the call (its state stays resumable in the session store).
/// </summary>
internal sealed class LiveCalls
{
    private readonly ConcurrentDictionary<long, CancellationTokenSource> _calls = new();
    private readonly ConcurrentDictionary<long, bool> _handedOver = new();
    private readonly TaskCompletionSource _drainStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _next;

    /// <summary>True once SIGTERM arrived: <c>/readyz</c> fails so the load balancer sends new calls elsewhere.</summary>
    public bool IsDraining => _drainStarted.Task.IsCompleted;

    public int Count => _calls.Count;

    /// <summary>Registers a call for the life of its socket; dispose the result when the socket is done.</summary>
    public Registration Register(CancellationTokenSource callCancellation)
    {
        var id = Interlocked.Increment(ref _next);
        _calls[id] = callCancellation;
        return new Registration(this, id);
    }

    public void StartDraining() => _drainStarted.TrySetResult();

    /// <summary>Closes every remaining call's socket so the carrier comes back through its callback to another instance.</summary>
    public async Task<int> HandOverAllAsync()
    {
        var count = 0;
        foreach (var (id, cts) in _calls)
        {
            _handedOver[id] = true;
            try { await cts.CancelAsync(); count++; }
            catch (ObjectDisposedException) { /* the call ended while we looked */ }
        }
        return count;
    }

    internal readonly struct Registration(LiveCalls owner, long id) : IDisposable
    {
        /// <summary>The drain closed this call's socket (it did not end).</summary>
        public bool HandedOver => owner._handedOver.ContainsKey(id);

        public void Dispose()
        {
            owner._calls.TryRemove(id, out _);
            owner._handedOver.TryRemove(id, out _);
        }
    }
}
