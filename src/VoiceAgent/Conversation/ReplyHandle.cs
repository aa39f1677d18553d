using VoiceAgent.Observability;

namespace VoiceAgent.Conversation;

/// <summary>One agent reply in flight: its id, timeline, and the means to cut it.</summary>
internal sealed class ReplyHandle(int id, TurnTimeline timeline) : IDisposable
{
    public int Id { get; } = id;
    public TurnTimeline Timeline { get; } = timeline;
    public CancellationTokenSource Cancellation { get; } = new();
    public Task<TurnResult> Completion { get; set; } = NotStarted;

    // Shared by every handle until its run is attached (the result is immutable).
    private static readonly Task<TurnResult> NotStarted = Task.FromResult(new TurnResult(TurnOutcome.Completed, ""));

    public void Dispose() => Cancellation.Dispose();
}
