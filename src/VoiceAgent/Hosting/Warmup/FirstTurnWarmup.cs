using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using VoiceAgent.Conversation;
using VoiceAgent.Providers.Resilience;
using VoiceAgent.Storage.Records;
using VoiceAgent.Storage.Sessions;
using VoiceAgent.Telephony.ConversationRelay;
using VoiceAgent.Telephony.WebSockets;

namespace VoiceAgent.Hosting.Warmup;

/// <summary>
/// What a call's first turn used to do once per process, done before the server takes calls (hosted services start
/// before the server listens, so <c>/readyz</c> does not answer until this is done). <see cref="ModelWarmup"/> warms
/// each model lane behind its watchdog; a turn goes through much more than that. This warms, in order:
/// <list type="number">
/// <item>the stores a call touches: the session store's connection and the lookup a starting call makes (a read of a
/// call that does not exist), and the records store's connection (a ping); nothing is written;</item>
/// <item>one whole ConversationRelay call through the real connection handler over an in-memory socket
/// (<see cref="RelayWarmupCall"/>), its model request sent by every lane's <see cref="ModelWarmupHandler"/> over the
/// lane's own socket handler to a <see cref="CannedReplyServer"/> on loopback (credentials removed), which streams the
/// canned reply back: nothing is sent to a provider, stored, billed, logged or counted as a call;</item>
/// <item>the relay frames the call did not send (interrupt, dtmf) parsed once.</item>
/// </list>
/// A failure is logged and never stops the server: a cold first turn is slower, not broken.
/// </summary>
internal sealed partial class FirstTurnWarmup(
    ModelWarmupTargets targets,
    CallSessionDependencies dependencies,
    CarrierLimits limits,
    VoiceAgentSettings settings,
    SessionPersistence sessions,
    IOptionsMonitor<LoggerFilterOptions> logFilters,
    IEnumerable<ConsoleFormatter> logFormatters,
    IOptionsMonitor<ConsoleLoggerOptions> console,
    IEnumerable<ILoggerProvider> logProviders,
    ILogger<FirstTurnWarmup> logger,
    IRecordsStore? records = null,
    Storage.Encryption.TranscriptCipher? cipher = null) : IHostedService
{
    private static readonly TimeSpan StepLimit = TimeSpan.FromSeconds(10);

    private static readonly string[] OtherRelayFrames =
    [
        """{"type":"interrupt","utteranceUntilInterrupt":"warm","durationUntilInterruptMs":"100"}""",
        """{"type":"dtmf","digit":"1"}""",
        """{"type":"info","name":"warm-up","value":"1"}""",
    ];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var stores = await StoresAsync(cancellationToken);
        var call = await CallAsync(cancellationToken);
        foreach (var frame in OtherRelayFrames) RelayMessageParser.Parse(Encoding.UTF8.GetBytes(frame), Stopwatch.GetTimestamp());
        if (call && stores && Report is { } report)
            LogWarmed(logger, Stopwatch.GetElapsedTime(started).TotalMilliseconds, report.LogLines, report.PreparedLogMethods, report.SessionSnapshots, report.LiveEvents, report.Spans,
                report.Measurements, report.Records);
    }

    /// <summary>What the warm-up call's private set-up ran; null until a warm-up call succeeded.</summary>
    internal WarmupCallReport? Report { get; private set; }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Opens the stores' connections and runs their first commands; reads only.</summary>
    private async Task<bool> StoresAsync(CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(StepLimit);
        try
        {
            await sessions.Store.PingAsync(limit.Token);
            // A starting call's one read: its own resumable state, then the caller's earlier call (neither exists).
            await sessions.LookUpAsync(RelayWarmupCall.CallSid, "+15550100000", limit.Token);
            if (records is not null) await records.PingAsync(limit.Token);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Store drivers throw their own types (Redis, Npgsql, SQLite); none of them stops the server here.
            LogFailed(logger, "stores", $"{ex.GetType().Name}: {ex.Message}");
            return false;
        }
    }

    /// <summary>One whole relay call with every model lane answering in process.</summary>
    private async Task<bool> CallAsync(CancellationToken cancellationToken)
    {
        var lanes = targets.All;
        // A model client supplied from outside (no lane registered here) cannot be answered in process: a warm-up call
        // would reach its provider, so there is none, as before this warm-up existed (nothing to report: not a failure).
        if (lanes.Count == 0) return false;
        // Each lane's canned reply comes over a real loopback connection of the lane's own socket handler, as a turn's does.
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(StepLimit);
        var servers = new CannedReplyServer?[lanes.Count];
        var scopes = new List<IDisposable>(lanes.Count);
        try
        {
            for (var i = 0; i < lanes.Count; i++)
            {
                // The loopback server speaks the HTTP version the lane speaks to its provider, so that version's paths are compiled.
                servers[i] = await StartCannedReplyServerAsync(lanes[i].Provider, ModelHttpVersionHandler.UsesHttp2(settings.ModelHttpVersion, lanes[i].BaseUrl), limit.Token);
                scopes.Add(lanes[i].Handler.BeginCannedReplies(servers[i]?.Origin));
            }
            using var loggers = new WarmupLoggerFactory(logFilters, logFormatters, console);
            await using var setUp = await WarmupCallSetUp.StartAsync(loggers, sessions.Options, dependencies.Clock, cipher, limit.Token);
            var reply = await new RelayWarmupCall(dependencies, limits, settings.WebSocketKeepAliveInterval, setUp).RunAsync(limit.Token);
            if (reply == ModelWarmupHandler.CannedReplyText)
            {
                var report = await setUp.FinishAsync(RelayWarmupCall.CallSid, limit.Token);
                Report = report with { PreparedLogMethods = loggers.PrepareApplicationProviders(logProviders) };
                return true;
            }
            // The engine spoke something else (e.g. its fallback line after a model failure): the model path did not run.
            LogFailed(logger, "call", $"the reply was not the canned one ({reply.Length} characters)");
            return false;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Whatever the call's stack throws on a warm-up call, the server still starts.
            LogFailed(logger, "call", $"{ex.GetType().Name}: {ex.Message}");
            return false;
        }
        finally
        {
            foreach (var scope in scopes) scope.Dispose();
            foreach (var server in servers)
                if (server is not null) await server.DisposeAsync();
        }
    }

    /// <summary>A loopback server for the lane's canned reply; null (the reply is made up in process) when loopback cannot be bound.</summary>
    private async Task<CannedReplyServer?> StartCannedReplyServerAsync(string provider, bool http2, CancellationToken cancellationToken)
    {
        try
        {
            return await CannedReplyServer.StartAsync(provider, http2, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException)
        {
            // Kestrel reports a failed bind as an IOException (address in use) or the socket's own exception.
            LogFailed(logger, "loopback", ex.Message);
            return null;
        }
    }

    [LoggerMessage(EventId = Observability.EventIds.FirstTurnWarmed, Level = LogLevel.Information, Message = "First turn warmed in {ElapsedMs:F0} ms: stores connected, one ConversationRelay call run in process (socket, engine, model client, frames) with a private set-up ({LogLines} log lines formatted and dropped, {PreparedLogMethods} provider log methods compiled, {SessionSnapshots} session snapshots, {LiveEvents} live-view events, {Spans} spans, {Measurements} measurements, {Records} records encoded and dropped)")]
    private static partial void LogWarmed(ILogger logger, double elapsedMs, long logLines, int preparedLogMethods, int sessionSnapshots, int liveEvents, int spans, long measurements, int records);

    [LoggerMessage(EventId = Observability.EventIds.FirstTurnWarmFailed, Level = LogLevel.Warning, Message = "The start-up first-turn warm-up failed at {Step} ({Reason}); the first call's first turn pays for what it skipped")]
    private static partial void LogFailed(ILogger logger, string step, string reason);
}
