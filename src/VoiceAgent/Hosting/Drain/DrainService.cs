using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using VoiceAgent.Observability;
using VoiceAgent.Storage.Sessions;

namespace VoiceAgent.Hosting.Drain;

/// <summary>
/// A clean stop on SIGTERM: <c>/readyz</c> fails at once (new calls go to other instances), active calls may finish for
/// up to <c>DRAIN_TIMEOUT_SECONDS</c>, the rest are handed over (their sockets closed with 1001 so the carrier comes
/// back through the <c>&lt;Connect action&gt;</c> callback to another instance, which resumes them from the session
/// store), the last state of every call is flushed to the store, and the process exits 0. The drain runs in
/// <see cref="StoppingAsync"/>, before any hosted service (the web server included) stops, so <c>/readyz</c> and the
/// carrier's callbacks are still served while it runs. The host's shutdown timeout is set above the drain bound.
/// </summary>
internal sealed partial class DrainService(LiveCalls calls, SessionWriter writer, VoiceAgentSettings settings, TimeProvider clock, ILogger<DrainService> logger) : IHostedLifecycleService
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan HandOverGrace = TimeSpan.FromSeconds(10);

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        calls.StartDraining();
        LogDrainStarted(logger, calls.Count, settings.DrainTimeout.TotalSeconds);
        var finishedInTime = await WaitForCallsAsync(settings.DrainTimeout, cancellationToken);
        if (!finishedInTime)
        {
            var handedOver = await calls.HandOverAllAsync();
            LogHandedOver(logger, handedOver);
            await WaitForCallsAsync(HandOverGrace, cancellationToken);
        }
        try { await writer.FlushAsync(cancellationToken); }
        catch (OperationCanceledException) { /* host shutdown timeout: the writer's own stop drains what it can */ }
        LogDrainFinished(logger, calls.Count);
    }

    private async Task<bool> WaitForCallsAsync(TimeSpan bound, CancellationToken cancellationToken)
    {
        var deadline = clock.GetTimestamp() + (long)(bound.TotalSeconds * clock.TimestampFrequency);
        while (calls.Count > 0)
        {
            if (clock.GetTimestamp() >= deadline || cancellationToken.IsCancellationRequested) return false;
            try { await Task.Delay(Poll, clock, cancellationToken); }
            catch (OperationCanceledException) { return false; }
        }
        return true;
    }

    [LoggerMessage(EventId = EventIds.DrainStarted, Level = LogLevel.Information, Message = "Draining: /readyz now fails; {Calls} active calls may finish within {Seconds} s")]
    private static partial void LogDrainStarted(ILogger logger, int calls, double seconds);

    [LoggerMessage(EventId = EventIds.DrainHandedOver, Level = LogLevel.Warning, Message = "Drain timeout: handed {Calls} calls over (sockets closed; the carrier resumes them on another instance)")]
    private static partial void LogHandedOver(ILogger logger, int calls);

    [LoggerMessage(EventId = EventIds.DrainFinished, Level = LogLevel.Information, Message = "Drain finished ({Remaining} calls still open); call state flushed")]
    private static partial void LogDrainFinished(ILogger logger, int remaining);
}
