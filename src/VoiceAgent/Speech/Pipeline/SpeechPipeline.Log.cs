using Microsoft.Extensions.Logging;

namespace VoiceAgent.Speech.Pipeline;

internal sealed partial class SpeechPipeline
{
    [LoggerMessage(EventId = 5000, Level = LogLevel.Information, Message = "Call {CallId}: speech pipeline started (locale {Locale}, {Format})")]
    private static partial void LogStarted(ILogger logger, string callId, string locale, string format);

    [LoggerMessage(EventId = 5001, Level = LogLevel.Debug, Message = "Call {CallId}: caller speech {What} (agent speaking: {AgentSpeaking})")]
    private static partial void LogSpeech(ILogger logger, string callId, string what, bool agentSpeaking);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Information, Message = "Call {CallId}: barge-in; caller heard {HeardChars} chars; clear sent")]
    private static partial void LogBargeIn(ILogger logger, string callId, int heardChars);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Information, Message = "Call {CallId}: barge-in produced no words; resuming")]
    private static partial void LogFalseInterruption(ILogger logger, string callId);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Information, Message = "Call {CallId}: transcript dropped ({Verdict}, confidence {Confidence:F2}, {Chars} chars)")]
    private static partial void LogTranscriptDropped(ILogger logger, string callId, TranscriptVerdict verdict, double confidence, int chars);

    [LoggerMessage(EventId = 5005, Level = LogLevel.Warning, Message = "Call {CallId}: STT reconnected ({Reason})")]
    private static partial void LogSttReconnected(ILogger logger, string callId, string reason);

    [LoggerMessage(EventId = 5006, Level = LogLevel.Warning, Message = "Call {CallId}: STT error: {Message} (fatal: {Fatal})")]
    private static partial void LogSttError(ILogger logger, string callId, string message, bool fatal);

    [LoggerMessage(EventId = 5007, Level = LogLevel.Warning, Message = "Call {CallId} turn {TurnId}: TTS failed ({ExceptionType}: {Reason})")]
    private static partial void LogTtsFailed(ILogger logger, string callId, int turnId, string exceptionType, string reason);

    [LoggerMessage(EventId = 5008, Level = LogLevel.Debug, Message = "Call {CallId} turn {TurnId}: TTS send failed ({ExceptionType})")]
    private static partial void LogTtsSendFailed(ILogger logger, string callId, int turnId, string exceptionType);

    [LoggerMessage(EventId = 5009, Level = LogLevel.Warning, Message = "Call {CallId} turn {TurnId}: TTS reopened, re-sent {Chars} chars not yet voiced")]
    private static partial void LogTtsReopened(ILogger logger, string callId, int turnId, int chars);

    // The audio path's per-reply line (Information): the hops only the pipeline sees. The turn's summary (2001,
    // same CallId and TurnId) carries the model hops and the outcome. A missing hop is null (JSON cannot carry NaN).
    // The bench (IsolatedServer) and the analyzer read this line: keep its wording and field names.
    [LoggerMessage(EventId = 5010, Level = LogLevel.Information, Message = "Call {CallId} turn {TurnId}: first audio out {SpeechEndToAudioMs:F1} ms after speech end (server share {ServerShareMs:F2} ms; STT {SttMs:F1} ms, model first token {ModelMs:F1} ms, TTS {TtsMs:F1} ms) on {Transport}")]
    private static partial void LogFirstAudio(ILogger logger, string callId, int turnId, double? speechEndToAudioMs, double? serverShareMs, double? sttMs, double? modelMs, double? ttsMs, string transport);

    // The same reply's first audio, hop by hop (Debug): posted = utterance handed to the engine; delta = the engine's first
    // token of the reply; loop = the pipeline's loop took it from the mailbox; TTS = handed to the TTS client; audio read =
    // the voice took the first chunk off the stream; queued = its first frame in the playout queue; sent = that frame written.
    [LoggerMessage(EventId = 5070, Level = LogLevel.Debug, Message = "Call {CallId} turn {TurnId}: first audio hops ms: final→posted {FinalToPostedMs:F2}, posted→first delta {PostedToDeltaMs:F1}, delta→loop {DeltaToLoopMs:F2}, loop→TTS {LoopToTtsMs:F2}, TTS→audio read {TtsToAudioMs:F1}, audio read→loop {AudioToLoopMs:F2}, loop→queued {LoopToQueuedMs:F2}, queued→sent {QueuedToSentMs:F2}")]
    private static partial void LogAudioHops(ILogger logger, string callId, int turnId, double? finalToPostedMs, double? postedToDeltaMs, double? deltaToLoopMs,
        double? loopToTtsMs, double? ttsToAudioMs, double? audioToLoopMs, double? loopToQueuedMs, double? queuedToSentMs);

    // A hop event: Debug.
    [LoggerMessage(EventId = 5011, Level = LogLevel.Debug, Message = "Call {CallId} turn {TurnId}: played to the end ({PlayMs:F0} ms of audio after the first frame)")]
    private static partial void LogPlayed(ILogger logger, string callId, int turnId, double? playMs);

    [LoggerMessage(EventId = 5012, Level = LogLevel.Information, Message = "Call {CallId}: ending the media session (hand-off data: {HasHandoff})")]
    private static partial void LogEndCall(ILogger logger, string callId, bool hasHandoff);

    [LoggerMessage(EventId = 5013, Level = LogLevel.Warning, Message = "Call {CallId}: {Command} is not supported on {Transport}; refused")]
    private static partial void LogUnsupported(ILogger logger, string callId, string command, string transport);

    // 5014-5029: failures that end in something the caller hears, and call control on the audio path.
    [LoggerMessage(EventId = 5014, Level = LogLevel.Error, Message = "Call {CallId}: speech lost ({Reason}); asking the engine to apologise and hand off")]
    private static partial void LogSpeechLost(ILogger logger, string callId, string reason);

    [LoggerMessage(EventId = 5015, Level = LogLevel.Debug, Message = "Call {CallId}: a spare TTS socket failed to open ({ExceptionType})")]
    private static partial void LogSpareTtsFailed(ILogger logger, string callId, string exceptionType);

    [LoggerMessage(EventId = 5016, Level = LogLevel.Warning, Message = "Call {CallId}: pipeline loops did not stop within 3 s of the call ending")]
    private static partial void LogLoopsDidNotStop(ILogger logger, string callId);

    [LoggerMessage(EventId = 5018, Level = LogLevel.Information, Message = "Call {CallId}: {Digits} keypad symbols queued as {DurationMs} ms of tones")]
    private static partial void LogTonesQueued(ILogger logger, string callId, int digits, int durationMs);

    [LoggerMessage(EventId = 5020, Level = LogLevel.Information, Message = "Call {CallId}: echo of our playback found at {DelayMs:F0} ms; cancelling it")]
    private static partial void LogEchoPath(ILogger logger, string callId, double delayMs);

    [LoggerMessage(EventId = 5019, Level = LogLevel.Information, Message = "Call {CallId}: speech switched to locale {Locale}")]
    private static partial void LogLanguageSwitched(ILogger logger, string callId, string locale);

    // 5042-5046: the pipeline's own loop and tasks.
    [LoggerMessage(EventId = 5042, Level = LogLevel.Debug, Message = "Call {CallId}: speech pipeline loop ended ({Reason})")]
    private static partial void LogLoopEnded(ILogger logger, string callId, string reason);

    [LoggerMessage(EventId = 5043, Level = LogLevel.Error, Message = "Call {CallId}: speech pipeline failed; ending the call rather than leaving it deaf and mute")]
    private static partial void LogPipelineFailed(ILogger logger, string callId, Exception exception);

    [LoggerMessage(EventId = 5044, Level = LogLevel.Debug, Message = "Call {CallId}: the engine has ended the call; {Event} not delivered")]
    private static partial void LogEngineGone(ILogger logger, string callId, string @event);

    [LoggerMessage(EventId = 5045, Level = LogLevel.Warning, Message = "Call {CallId}: playback did not finish within 15 s of the hang-up request; hanging up")]
    private static partial void LogPlaybackNotFinished(ILogger logger, string callId);

    [LoggerMessage(EventId = 5046, Level = LogLevel.Error, Message = "Call {CallId}: a speech pipeline task failed at the end of the call")]
    private static partial void LogTaskFailed(ILogger logger, string callId, Exception exception);

    [LoggerMessage(EventId = Observability.EventIds.SpeculationAsked, Level = LogLevel.Debug, Message = "Call {CallId}: {Chars} characters of stable transcript before the end of the turn; asking for a speculative reply")]
    private static partial void LogSpeculationAsked(ILogger logger, string callId, int chars);

    [LoggerMessage(EventId = Observability.EventIds.SpeculationWithdrawn, Level = LogLevel.Debug, Message = "Call {CallId}: the caller went on; the speculative reply is withdrawn")]
    private static partial void LogSpeculationWithdrawn(ILogger logger, string callId);
}
