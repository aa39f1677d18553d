using System.Threading.Tasks.Sources;

namespace VoiceAgent.Tests.Speech.Pipeline.Fakes;

/// <summary>
/// A send that stays pending until <see cref="Release"/>, and says when its caller has started waiting on it
/// (<see cref="Awaited"/>): a test waits for <see cref="Awaited"/>, acts while the send is in flight, then releases it.
/// Which thread the caller's continuation then runs on is not part of what tests rely on.
/// </summary>
internal sealed class HeldSend : IValueTaskSource
{
    private readonly TaskCompletionSource _awaited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ManualResetValueTaskSourceCore<bool> _core;

    /// <summary>Completes once the caller awaits the send.</summary>
    public Task Awaited => _awaited.Task;

    public ValueTask AsValueTask() => new(this, _core.Version);

    /// <summary>Completes the send, so the caller waiting on it goes on.</summary>
    public void Release() => _core.SetResult(true);

    public void GetResult(short token) => _core.GetResult(token);

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
    {
        _core.OnCompleted(continuation, state, token, flags);
        _awaited.TrySetResult();
    }
}
