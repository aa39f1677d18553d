using Microsoft.Extensions.Logging;

namespace VoiceAgent.Telephony.Outbound;

/// <summary>Logs of outbound calls and the campaign (event ids 8400-8429). Numbers are never logged.</summary>
internal static partial class OutboundLog
{
    [LoggerMessage(EventId = 8400, Level = LogLevel.Information, Message = "Outbound call {OutboundId} placed as {CallSid} over {Transport}")]
    public static partial void Placed(ILogger logger, string outboundId, string callSid, string transport);

    [LoggerMessage(EventId = 8401, Level = LogLevel.Warning, Message = "Outbound call not placed: {Outcome} ({Detail})")]
    public static partial void NotPlaced(ILogger logger, DialOutcome outcome, string detail);

    [LoggerMessage(EventId = 8402, Level = LogLevel.Information, Message = "Call {CallSid}: status {Status} (sequence {Sequence}, applied {Applied})")]
    public static partial void Status(ILogger logger, string? callSid, string status, int sequence, bool applied);

    [LoggerMessage(EventId = 8403, Level = LogLevel.Information, Message = "Call {CallSid}: answered by {AnsweredBy} ({Source})")]
    public static partial void AnsweredBy(ILogger logger, string? callSid, string answeredBy, string source);

    [LoggerMessage(EventId = 8404, Level = LogLevel.Information, Message = "Call {CallSid}: voicemail left ({Characters} characters, written by {Author}); hanging up")]
    public static partial void VoicemailLeft(ILogger logger, string callSid, int characters, string author);

    [LoggerMessage(EventId = 8405, Level = LogLevel.Warning, Message = "Call {CallSid}: could not act on the call over Twilio REST ({Reason})")]
    public static partial void RestFailed(ILogger logger, string callSid, string reason);

    [LoggerMessage(EventId = 8406, Level = LogLevel.Warning, Message = "Outbound callback for an unknown call {OutboundId} ignored")]
    public static partial void UnknownCall(ILogger logger, string outboundId);

    [LoggerMessage(EventId = 8407, Level = LogLevel.Warning, Message = "The model did not write the voicemail ({Reason}); the template is used")]
    public static partial void VoicemailModelFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 8410, Level = LogLevel.Information, Message = "Campaign entry {EntryId}: {What}")]
    public static partial void Campaign(ILogger logger, long entryId, string what);

    [LoggerMessage(EventId = 8411, Level = LogLevel.Warning, Message = "Campaign worker: the queue could not be read ({Reason}); trying again")]
    public static partial void CampaignStoreFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 8412, Level = LogLevel.Information, Message = "Call {CallSid}: our detector heard {Signal}")]
    public static partial void OwnSignal(ILogger logger, string callSid, string signal);
}
