using System.Diagnostics;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using VoiceAgent.Conversation;
using VoiceAgent.Providers.Resilience;

namespace VoiceAgent.Hosting.Warmup;

/// <summary>
/// No cold start: before the server takes calls, each model lane gets an open pooled connection to its origin
/// (a HEAD request: no key, no tokens, no bill; any status will do) and its whole streaming path — SDK request
/// building, SSE parsing, update mapping, the watchdog — runs once on a canned reply, so the JIT has compiled it
/// before the first caller speaks. While idle the connection is re-opened before the pool's idle timeout (1 min)
/// would close it, so a quiet hour does not make the next first turn cold. Failures are logged and never stop the
/// server: a cold first turn is slower, not broken.
/// </summary>
internal sealed partial class ModelWarmup(ModelWarmupTargets targets, CallSessionDependencies dependencies, TimeProvider clock, ILogger<ModelWarmup> logger)
    : IHostedService, IAsyncDisposable
{
    /// <summary>Below the model handlers' idle timeout (1 min) in <see cref="ModelHttpClientFactory"/>.</summary>
    internal static readonly TimeSpan KeepWarmEvery = TimeSpan.FromSeconds(50);
    private static readonly TimeSpan StepLimit = TimeSpan.FromSeconds(5);
    private readonly CancellationTokenSource _stopping = new();
    private Task _keepWarm = Task.CompletedTask;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var target in targets.All)
        {
            var started = Stopwatch.GetTimestamp();
            var connected = await OpenConnectionAsync(target, cancellationToken);
            var compiled = await RunCannedTurnAsync(target, cancellationToken);
            if (connected && compiled) LogWarmed(logger, target.Provider, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        _keepWarm = KeepWarmAsync(_stopping.Token);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _keepWarm.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task KeepWarmAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(KeepWarmEvery, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
                foreach (var target in targets.All) await OpenConnectionAsync(target, cancellationToken);
        }
        catch (OperationCanceledException) { }
    }

    /// <summary>A HEAD to the lane's origin over its own pool; true when the origin answered at all.</summary>
    private async Task<bool> OpenConnectionAsync(ModelWarmupTarget target, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(StepLimit);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Head, new Uri(target.BaseUrl.GetLeftPart(UriPartial.Authority) + "/"));
            // Read to the end (a HEAD has no body): an unfinished response would close the connection.
            using var response = await target.Http.SendAsync(request, HttpCompletionOption.ResponseContentRead, limit.Token);
            return true;
        }
        catch (Exception ex) when (ex is HttpRequestException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            LogConnectFailed(logger, target.Provider, ex.Message);
            return false;
        }
    }

    /// <summary>One streamed reply through the lane's real client stack, answered by <see cref="ModelWarmupHandler"/> in process.</summary>
    private async Task<bool> RunCannedTurnAsync(ModelWarmupTarget target, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(StepLimit);
        using var canned = target.Handler.BeginCannedReplies();
        try
        {
            var text = 0;
            await foreach (var update in target.Client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "warm-up")], dependencies.ModelOptions, limit.Token))
                text += update.Text.Length;
            return text > 0 || Fail(target, "the canned reply produced no text");
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The SDK's exception types vary; whatever it throws on a canned reply, the server still starts.
            return Fail(target, $"{ex.GetType().Name}: {ex.Message}");
        }
    }

    private bool Fail(ModelWarmupTarget target, string reason)
    {
        LogCompileFailed(logger, target.Provider, reason);
        return false;
    }

    public ValueTask DisposeAsync()
    {
        _stopping.Dispose();
        return ValueTask.CompletedTask;
    }

    [LoggerMessage(EventId = Observability.EventIds.ModelWarmed, Level = LogLevel.Information, Message = "Model lane {Provider} warmed in {ElapsedMs:F0} ms: connection open, streaming path compiled")]
    private static partial void LogWarmed(ILogger logger, string provider, double elapsedMs);

    [LoggerMessage(EventId = Observability.EventIds.ModelWarmConnectFailed, Level = LogLevel.Warning, Message = "Model lane {Provider}: could not open a connection ahead of the first call ({Reason}); the first turn pays for it")]
    private static partial void LogConnectFailed(ILogger logger, string provider, string reason);

    [LoggerMessage(EventId = Observability.EventIds.ModelWarmTurnFailed, Level = LogLevel.Warning, Message = "Model lane {Provider}: the start-up warm-up turn failed ({Reason}); the first turn compiles the streaming path")]
    private static partial void LogCompileFailed(ILogger logger, string provider, string reason);
}
