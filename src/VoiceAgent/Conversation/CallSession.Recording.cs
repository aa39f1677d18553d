using Microsoft.Extensions.Logging;
using VoiceAgent.Conversation.Compliance;
using VoiceAgent.Observability;

namespace VoiceAgent.Conversation;

/// <summary>
/// Call recording through the carrier: started (off the mailbox) once the caller consented or when no consent is
/// asked, paused around card entry, stopped and handed to the archive when the agent's part of the call ends.
/// </summary>
internal sealed partial class CallSession
{
    private ICallRecorder? _recorder;
    private Task<string?>? _recordingStart;

    private void StartRecordingIfAllowed(CancellationToken ct)
    {
        if (Controls is not { RecordingEnabled: true } || _recordingStart is not null || _call is null) return;
        if (_consent is ConsentState.Pending or ConsentState.Declined) return;
        _recorder ??= Controls.RecorderFor(_transportName);
        if (_recorder is null) return;
        // After a failover the recording (a property of the carrier's call) may already run: it is not started twice,
        // and card entry still pauses whatever is active.
        _recordingStart = _resumed ? Task.FromResult<string?>(null) : StartRecordingAsync(_recorder, CallId, ct);
    }

    private async Task<string?> StartRecordingAsync(ICallRecorder recorder, string callSid, CancellationToken ct)
    {
        try
        {
            var sid = await recorder.StartAsync(callSid, ct);
            LogRecordingStarted(_logger, callSid, sid);
            return sid;
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            LogRecordingFailed(_logger, callSid, "start", ex.GetType().Name, LogValues.MaskPhoneNumbers(ex.Message));
            return null;
        }
    }

    /// <summary>True when nothing is being recorded now (paused, or no recording); false when a pause was needed and failed.</summary>
    private async ValueTask<bool> PauseRecordingAsync(CancellationToken ct)
    {
        if (_recordingStart is null || _recorder is null) return true;
        var sid = await _recordingStart;
        if (sid is null && !_resumed) return true; // never started
        try
        {
            _recordingPaused = await _recorder.PauseAsync(CallId, ct);
            if (_recordingPaused) LogRecordingPaused(_logger, CallId);
            return true;
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            LogRecordingFailed(_logger, CallId, "pause", ex.GetType().Name, LogValues.MaskPhoneNumbers(ex.Message));
            return false;
        }
    }

    private async ValueTask ResumeRecordingAsync(CancellationToken ct)
    {
        if (!_recordingPaused || _recorder is null) return;
        _recordingPaused = false;
        try
        {
            await _recorder.ResumeAsync(CallId, ct);
            LogRecordingResumed(_logger, CallId);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            // Left paused: safer than recording what comes next by accident; the rest of the call goes unrecorded.
            LogRecordingFailed(_logger, CallId, "resume", ex.GetType().Name, LogValues.MaskPhoneNumbers(ex.Message));
        }
    }

    /// <summary>At the end of the agent's part: stop (best effort) and queue the recording for the encrypted archive.</summary>
    private async Task FinishRecordingAsync()
    {
        if (_recordingStart is null || _recorder is null || !(_endedNormally || _endSent)) return;
        var sid = await _recordingStart;
        if (sid is null) return;
        using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await _recorder.StopAsync(CallId, bounded.Token);
        }
        catch (Exception ex)
        {
            // The call may already be over, which stops the recording anyway.
            LogRecordingFailed(_logger, CallId, "stop", ex.GetType().Name, LogValues.MaskPhoneNumbers(ex.Message));
        }
        _recorder.Archive(CallId, sid, _call?.From);
    }

    [LoggerMessage(EventId = EventIds.RecordingStarted, Level = LogLevel.Information, Message = "Call {CallId}: recording {RecordingSid} started (dual channel)")]
    private static partial void LogRecordingStarted(ILogger logger, string callId, string recordingSid);

    [LoggerMessage(EventId = EventIds.RecordingPaused, Level = LogLevel.Information, Message = "Call {CallId}: recording paused")]
    private static partial void LogRecordingPaused(ILogger logger, string callId);

    [LoggerMessage(EventId = EventIds.RecordingResumed, Level = LogLevel.Information, Message = "Call {CallId}: recording resumed")]
    private static partial void LogRecordingResumed(ILogger logger, string callId);

    [LoggerMessage(EventId = EventIds.RecordingFailed, Level = LogLevel.Warning, Message = "Call {CallId}: recording {Step} failed ({ExceptionType}: {Reason})")]
    private static partial void LogRecordingFailed(ILogger logger, string callId, string step, string exceptionType, string reason);
}
