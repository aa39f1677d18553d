using Microsoft.Extensions.Logging;
using VoiceAgent.Observability;

namespace VoiceAgent.Conversation;

internal sealed partial class CallSession
{
    [LoggerMessage(EventId = EventIds.CallStarted, Level = LogLevel.Information, Message = "Call {CallId} started on {Transport} with {ParameterCount} custom parameters")]
    private static partial void LogCallStarted(ILogger logger, string callId, string transport, int parameterCount);

    [LoggerMessage(EventId = EventIds.CallEnded, Level = LogLevel.Information, Message = "Call {CallId} ended")]
    private static partial void LogCallEnded(ILogger logger, string callId);

    [LoggerMessage(EventId = EventIds.CallEnded, Level = LogLevel.Information, Message = "Call {CallId} ending: {Reason}")]
    private static partial void LogCallEndedBy(ILogger logger, string callId, string reason);

    // Per-hop events are Debug; the one Information line per turn is the summary below. A missing hop is null
    // (not NaN, which JSON cannot carry). The analyzer (voiceagent analyze) reads these field names: keep them.
    [LoggerMessage(EventId = EventIds.TurnHop, Level = LogLevel.Debug, Message = "Call {CallId} turn {TurnId} hop {Hop} at +{ElapsedMs:F2} ms")]
    private static partial void LogHop(ILogger logger, string callId, int turnId, TurnHop hop, double elapsedMs);

    [LoggerMessage(EventId = EventIds.TurnCompleted, Level = LogLevel.Information, Message = "Call {CallId} turn {TurnId} on {Transport} {Outcome}: receive → model request {ReceiveToModelRequestMs:F1} ms → first delta {ModelFirstDeltaMs:F1} ms → first frame {FirstDeltaToFirstFrameMs:F3} ms → last frame {FirstToLastFrameMs:F1} ms (receive → first frame {ReceiveToFirstFrameMs:F1} ms)")]
    private static partial void LogTurnSummary(ILogger logger, string callId, int turnId, string transport, TurnOutcome outcome,
        double? receiveToModelRequestMs, double? modelFirstDeltaMs, double? firstDeltaToFirstFrameMs, double? firstToLastFrameMs, double? receiveToFirstFrameMs);

    [LoggerMessage(EventId = EventIds.TurnInterrupted, Level = LogLevel.Information, Message = "Call {CallId}: caller interrupted (heard {HeardChars} chars; -1 = unknown)")]
    private static partial void LogInterrupted(ILogger logger, string callId, int heardChars);

    [LoggerMessage(EventId = EventIds.FalseInterruptionResumed, Level = LogLevel.Information, Message = "Call {CallId}: false interruption, resuming the reply ({RemainderChars} chars left)")]
    private static partial void LogResumed(ILogger logger, string callId, int remainderChars);

    [LoggerMessage(EventId = EventIds.PartialPrompt, Level = LogLevel.Debug, Message = "Call {CallId}: partial prompt ({Chars} chars)")]
    private static partial void LogPartialPrompt(ILogger logger, string callId, int chars);

    [LoggerMessage(EventId = EventIds.EmptyUtterance, Level = LogLevel.Debug, Message = "Call {CallId}: empty utterance ignored")]
    private static partial void LogEmptyUtterance(ILogger logger, string callId);

    [LoggerMessage(EventId = EventIds.DtmfReceived, Level = LogLevel.Information, Message = "Call {CallId}: caller pressed {Digit}")]
    private static partial void LogDigit(ILogger logger, string callId, string digit);

    [LoggerMessage(EventId = EventIds.CarrierError + 100, Level = LogLevel.Error, Message = "Call {CallId}: speech unavailable ({Reason}); apologising and handing the call off")]
    private static partial void LogSpeechUnavailable(ILogger logger, string callId, string reason);

    [LoggerMessage(EventId = EventIds.CarrierError, Level = LogLevel.Warning, Message = "Call {CallId}: carrier reported an error: {Description}")]
    private static partial void LogCarrierError(ILogger logger, string callId, string description);
}
