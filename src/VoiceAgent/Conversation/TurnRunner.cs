using System.Text;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using VoiceAgent.Observability;

namespace VoiceAgent.Conversation;

/// <summary>
/// Runs one agent turn: streams the model and forwards every text delta to the transport the moment it
/// arrives, stamping the timeline. Never throws: cancellation (barge-in) and provider failures come back
/// as a <see cref="TurnOutcome"/>; a failure is covered by a spoken fallback so the caller never sits in silence.
/// </summary>
internal sealed partial class TurnRunner(
    IChatClient model,
    ChatOptions modelOptions,
    ICallTransport transport,
    AgentOptions agent,
    TimeProvider clock,
    ILogger logger)
{
    public async Task<TurnResult> RunAsync(int replyId, List<ChatMessage> messages, TurnTimeline timeline, CancellationToken cancellationToken)
    {
        var spoken = new StringBuilder();
        long lastDelta = 0;
        try
        {
            timeline.Mark(TurnHop.ModelRequestSent);
            await foreach (var update in model.GetStreamingResponseAsync(messages, modelOptions.Clone(), cancellationToken).WithCancellation(cancellationToken))
            {
                var text = update.Text;
                if (text.Length == 0) continue;
                lastDelta = clock.GetTimestamp();
                timeline.Mark(TurnHop.FirstModelDelta, lastDelta);
                await transport.SendAsync(new SpeakToken(text, Last: false, replyId), cancellationToken);
                timeline.Mark(TurnHop.FirstTokenSent);
                spoken.Append(text);
            }
            if (lastDelta != 0) timeline.Mark(TurnHop.LastModelDelta, lastDelta);
            await transport.SendAsync(new SpeakToken("", Last: true, replyId), cancellationToken);
            timeline.Mark(TurnHop.LastFrameSent);
            return new TurnResult(TurnOutcome.Completed, spoken.ToString());
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new TurnResult(TurnOutcome.Interrupted, spoken.ToString());
        }
        catch (Exception ex)
        {
            var outcome = ProviderFailureOutcome.From(ex);
            LogModelFailed(logger, timeline.CallId, timeline.TurnId, outcome, ex.GetType().Name, ex.Message);
            return await SpeakFallbackAsync(outcome, replyId, spoken, timeline, cancellationToken);
        }
    }

    private async Task<TurnResult> SpeakFallbackAsync(TurnOutcome outcome, int replyId, StringBuilder spoken, TurnTimeline timeline, CancellationToken cancellationToken)
    {
        var line = spoken.Length == 0 ? agent.FallbackLine : " " + agent.FallbackLine;
        try
        {
            await transport.SendAsync(new SpeakToken(line, Last: true, replyId), cancellationToken);
            timeline.Mark(TurnHop.FirstTokenSent);
            timeline.Mark(TurnHop.LastFrameSent);
            spoken.Append(line);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new TurnResult(TurnOutcome.Interrupted, spoken.ToString());
        }
        catch (Exception ex)
        {
            // The carrier socket itself is gone; the call's receive loop will see the close.
            LogFallbackFailed(logger, timeline.CallId, timeline.TurnId, ex.GetType().Name, ex.Message);
        }
        return new TurnResult(outcome, spoken.ToString());
    }

    [LoggerMessage(EventId = EventIds.TurnFailed, Level = LogLevel.Warning, Message = "Call {CallId} turn {TurnId}: model failed ({Outcome}, {ExceptionType}: {Reason}); speaking the fallback line")]
    private static partial void LogModelFailed(ILogger logger, string callId, int turnId, TurnOutcome outcome, string exceptionType, string reason);

    [LoggerMessage(EventId = EventIds.CallFailed, Level = LogLevel.Warning, Message = "Call {CallId} turn {TurnId}: could not send the fallback line ({ExceptionType}: {Reason})")]
    private static partial void LogFallbackFailed(ILogger logger, string callId, int turnId, string exceptionType, string reason);
}
