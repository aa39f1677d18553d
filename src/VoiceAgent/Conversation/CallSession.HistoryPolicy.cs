using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using VoiceAgent.Conversation.Compliance;
using VoiceAgent.Conversation.History;
using VoiceAgent.Observability;

namespace VoiceAgent.Conversation;

/// <summary>
/// The history policy at request time: every request's input tokens are estimated; over the budget, the oldest
/// exchanges are folded out of the window to be summarised (never a failed request), and turns still waiting for
/// their summary are left out of the request if it would still overflow. Summaries are made off the hot path and
/// replace the turns they cover when they arrive. Under the hand-off policy the call goes to a person at the cap.
/// </summary>
internal sealed partial class CallSession
{
    private bool _summarising;

    private List<ChatMessage> BuildModelRequest()
    {
        if (Controls is not { } controls) return _history.BuildRequest(_deps.Agent.SystemPrompt);
        var prompt = SystemPromptForTurn();
        var messages = _history.BuildRequest(prompt);
        var budget = controls.History.TokenBudget;
        var estimate = TokenEstimate.Of(messages, _deps.ModelOptions);
        if (estimate > budget)
        {
            while (estimate > budget && _history.FoldOldestExchange())
                estimate = TokenEstimate.Of(messages = _history.BuildRequest(prompt), _deps.ModelOptions);
            var skip = 0;
            while (estimate > budget && skip < _history.Unsummarised.Count)
                estimate = TokenEstimate.Of(messages = _history.BuildRequest(prompt, ++skip), _deps.ModelOptions);
            LogBudgetExceeded(_logger, CallId, budget, estimate, _history.Unsummarised.Count);
        }
        SummariseIfDue(controls);
        return messages;
    }

    private void SummariseIfDue(CallControls controls)
    {
        if (_summarising || _history.Unsummarised.Count == 0 || controls.Summarizer is not { } summarizer) return;
        _summarising = true;
        var entries = _history.Unsummarised.ToArray();
        var previous = _history.Summary;
        var token = _callToken;
        _ = Task.Run(async () =>
        {
            ConversationEvent result;
            try
            {
                result = new HistorySummaryReady(await summarizer.SummarizeAsync(previous, entries, token), entries.Length);
            }
            catch (Exception ex) when (!token.IsCancellationRequested)
            {
                result = new HistorySummaryFailed(ex.GetType().Name + ": " + LogValues.MaskPhoneNumbers(ex.Message));
            }
            catch (OperationCanceledException)
            {
                return;
            }
            _mailbox.Writer.TryWrite(result);
        }, CancellationToken.None);
    }

    private void OnSummaryReady(HistorySummaryReady ready)
    {
        _summarising = false;
        _history.ApplySummary(ready.Summary, ready.Covered);
        LogSummarised(_logger, CallId, ready.Covered, ready.Summary.Length);
    }

    private void OnSummaryFailed(HistorySummaryFailed failed)
    {
        _summarising = false;
        LogSummaryFailed(_logger, CallId, failed.Reason);
    }

    /// <summary>Hand-off policy: the caller turn that reaches the cap goes to a person instead of the model.</summary>
    private async ValueTask<bool> HardCapReachedAsync(CancellationToken ct)
    {
        var options = Controls!.History;
        if (options.Policy != HistoryPolicy.Handoff || _turnCount + 1 <= options.HardCapTurns) return false;
        LogHardCap(_logger, CallId, options.HardCapTurns);
        await EndCallAsync(options.HardCapLine, Handoff.LiveAgent, $"the conversation reached {options.HardCapTurns} caller turns", ct);
        return true;
    }

    [LoggerMessage(EventId = EventIds.HistorySummarised, Level = LogLevel.Information, Message = "Call {CallId}: {Turns} older turns replaced by a summary of {Chars} chars")]
    private static partial void LogSummarised(ILogger logger, string callId, int turns, int chars);

    [LoggerMessage(EventId = EventIds.HistorySummaryFailed, Level = LogLevel.Warning, Message = "Call {CallId}: summarising older turns failed ({Reason}); they stay out of requests that would overflow")]
    private static partial void LogSummaryFailed(ILogger logger, string callId, string reason);

    [LoggerMessage(EventId = EventIds.HistoryHardCap, Level = LogLevel.Information, Message = "Call {CallId}: history hard cap of {Cap} caller turns reached; handing the call to a person")]
    private static partial void LogHardCap(ILogger logger, string callId, int cap);

    [LoggerMessage(EventId = EventIds.HistoryBudgetExceeded, Level = LogLevel.Information, Message = "Call {CallId}: request over the {Budget}-token budget; older turns folded for summary (now ~{Estimate} tokens, {Pending} turns awaiting summary)")]
    private static partial void LogBudgetExceeded(ILogger logger, string callId, int budget, int estimate, int pending);
}
