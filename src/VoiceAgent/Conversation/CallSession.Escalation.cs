using Microsoft.Extensions.Logging;
using VoiceAgent.Conversation.Escalation;
using VoiceAgent.Observability;

namespace VoiceAgent.Conversation;

/// <summary>The caller-side escalation triggers: checked on each final utterance, before any model request.</summary>
internal sealed partial class CallSession
{
    private EscalationMonitor? _escalation;

    /// <summary>
    /// Hands the caller to a person when a trigger fires on <paramref name="text"/>: the operator line, then the
    /// end of the session with live-agent hand-off data carrying the reason, summary and trigger (the warm transfer
    /// reads them). Returns false when no trigger fired and the turn goes to the model.
    /// </summary>
    private async ValueTask<bool> TryEscalateAsync(string text, CancellationToken ct)
    {
        _escalation ??= new EscalationMonitor(_deps.Agent.Escalation);
        if (_handingOff || _escalation.Observe(text) is not { } decision) return false;
        _handingOff = true;
        LogEscalation(_logger, CallId, EscalationTriggerNames.Of(decision.Trigger));
        await SayAsync(_deps.Agent.OperatorLine, ct);
        _transcript.HandedOff(Handoff.LiveAgent, decision.Reason);
        await _transport.SendAsync(new EndCall(Handoff.Json(Handoff.LiveAgent, decision.Reason, CallId, _deps.Clock.GetUtcNow(), decision.Summary, decision.Trigger)), ct);
        return true;
    }

    [LoggerMessage(EventId = EventIds.EscalationTriggered, Level = LogLevel.Information, Message = "Call {CallId}: escalating to a person (trigger {Trigger})")]
    private static partial void LogEscalation(ILogger logger, string callId, string trigger);
}
