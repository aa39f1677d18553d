using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using VoiceAgent.Conversation;
using VoiceAgent.Providers.Resilience;
using VoiceAgent.Telephony.ConversationRelay;

namespace VoiceAgent.Hosting;

/// <summary>
/// What a call's first turn used to do once per process, done before the server takes calls (hosted services start
/// before the server listens, so <c>/readyz</c> does not answer until this is done). <see cref="ModelWarmup"/> warms
/// each model lane behind its watchdog; a turn goes through more than that: the first-token race that sits above the
/// lanes (its timers, channels and per-request state) and the relay's frame parsing and encoding. This runs one canned
/// reply through the very client the calls use (every lane answered in process by its <see cref="ModelWarmupHandler"/>:
/// nothing billed, nothing sent) and parses and encodes one of each relay frame a turn handles. Nothing is stored and
/// no call is created. A failure is logged and never stops the server: a cold first turn is slower, not broken.
/// </summary>
internal sealed partial class FirstTurnWarmup(ModelWarmupTargets targets, CallSessionDependencies dependencies, ILogger<FirstTurnWarmup> logger) : IHostedService
{
    private static readonly TimeSpan StepLimit = TimeSpan.FromSeconds(5);

    private static readonly string[] RelayFrames =
    [
        """{"type":"setup","sessionId":"VX00000000000000000000000000000000","callSid":"CA00000000000000000000000000000000","accountSid":"AC00000000000000000000000000000000","from":"+15550000000","to":"+15550000001","direction":"inbound","customParameters":{}}""",
        """{"type":"prompt","voicePrompt":"warm-up","lang":"en-US","last":true}""",
        """{"type":"interrupt","utteranceUntilInterrupt":"warm","durationUntilInterruptMs":"100"}""",
        """{"type":"dtmf","digit":"1"}""",
    ];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        RelayFramesOnce();
        if (await CannedTurnThroughTheCallsClientAsync(cancellationToken))
            LogWarmed(logger, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static void RelayFramesOnce()
    {
        foreach (var frame in RelayFrames) RelayMessageParser.Parse(Encoding.UTF8.GetBytes(frame), Stopwatch.GetTimestamp());
        using var writer = new RelayFrameWriter();
        writer.Encode(new SpeakToken("Warm", Last: false, ReplyId: 1));
        writer.Encode(new SpeakToken("", Last: true, ReplyId: 1));
    }

    private async Task<bool> CannedTurnThroughTheCallsClientAsync(CancellationToken cancellationToken)
    {
        var lanes = targets.All;
        if (lanes.Count == 0) return false; // no lane was registered for warming (a model client supplied from outside)
        var scopes = lanes.Select(lane => lane.Handler.BeginCannedReplies()).ToArray();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(StepLimit);
        try
        {
            var text = 0;
            await foreach (var update in dependencies.Model.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "warm-up")], dependencies.ModelOptions, limit.Token))
                text += update.Text.Length;
            if (text > 0) return true;
            LogFailed(logger, "the canned reply produced no text");
            return false;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Whatever the client stack throws on a canned reply, the server still starts.
            LogFailed(logger, $"{ex.GetType().Name}: {ex.Message}");
            return false;
        }
        finally
        {
            foreach (var scope in scopes) scope.Dispose();
        }
    }

    [LoggerMessage(EventId = Observability.EventIds.FirstTurnWarmed, Level = LogLevel.Information, Message = "First turn warmed in {ElapsedMs:F0} ms: the calls' model client (first-token race included) and relay frames compiled")]
    private static partial void LogWarmed(ILogger logger, double elapsedMs);

    [LoggerMessage(EventId = Observability.EventIds.FirstTurnWarmFailed, Level = LogLevel.Warning, Message = "The start-up first-turn warm-up failed ({Reason}); the first call's first turn compiles what it needs")]
    private static partial void LogFailed(ILogger logger, string reason);
}
