using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using VoiceAgent.Conversation.Transcript;
using VoiceAgent.Observability;

namespace VoiceAgent.Storage.Sessions;

/// <summary>
/// Files the transcript of a call torn down while still resumable (its socket was lost) that nobody resumed. Such a
/// call is not archived at teardown, because the carrier normally comes back within seconds and the instance that ends
/// the call files the whole transcript once. When the call's state is still exactly as this instance left it after
/// <see cref="Grace"/> (not resumed here or elsewhere, not ended, not erased), the caller is gone: the transcript kept
/// with the state is filed and the state marked ended, so it is never resumed or filed again. A call handed over by a
/// drain is watched too; if this process exits first, the instance that resumes the call files it.
/// </summary>
internal sealed partial class UnresumedCallSweeper(
    SessionPersistence sessions,
    ICallRecordSink? records,
    TimeProvider clock,
    ILogger<UnresumedCallSweeper> logger) : BackgroundService
{
    /// <summary>How long a lost call may take to come back before it is filed as over.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromMinutes(2);

    private readonly Channel<(SessionSnapshot Left, DateTimeOffset Due)> _watched =
        Channel.CreateUnbounded<(SessionSnapshot, DateTimeOffset)>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Watches the state a call was left in at teardown; returns at once.</summary>
    public void Watch(SessionSnapshot left) => _watched.Writer.TryWrite((left, clock.GetUtcNow() + Grace));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            // Every entry waits the same grace, so entries come due in the order they were queued.
            await foreach (var (left, due) in _watched.Reader.ReadAllAsync(stoppingToken))
            {
                var wait = due - clock.GetUtcNow();
                if (wait > TimeSpan.Zero) await Task.Delay(wait, clock, stoppingToken);
                await SweepAsync(left, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // stopping: calls still watched are resumed (and filed) elsewhere or kept until their state expires
        }
    }

    /// <summary>Files <paramref name="left"/>'s call when its stored state is still the one this instance left; true when it did.</summary>
    internal async Task<bool> SweepAsync(SessionSnapshot left, CancellationToken cancellationToken)
    {
        var current = await sessions.FindResumableAsync(left.CallSid, cancellationToken);
        if (current is null || current.Instance != left.Instance || current.UpdatedAt != left.UpdatedAt) return false;
        var now = clock.GetUtcNow();
        if (records is not null)
        {
            await records.SubmitAsync(new CallRecord
            {
                CallSid = current.CallSid,
                Transport = current.Transport,
                From = current.From,
                To = current.To,
                StartedAt = current.StartedAt,
                EndedAt = current.UpdatedAt,
                Outcome = "completed",
                EndedReason = "the call's socket was lost and the call did not come back",
                TurnCount = current.TurnCount,
                Parameters = current.Parameters,
                Entries = current.Transcript,
            }, cancellationToken);
        }
        sessions.Save(current with { Status = SessionStatus.Ended, UpdatedAt = now });
        LogFiled(logger, current.CallSid, current.Transcript.Count);
        return true;
    }

    [LoggerMessage(EventId = EventIds.UnresumedCallFiled, Level = LogLevel.Information, Message = "Call {CallSid} lost its socket and did not come back; its stored transcript of {Entries} entries was filed")]
    private static partial void LogFiled(ILogger logger, string callSid, int entries);
}
