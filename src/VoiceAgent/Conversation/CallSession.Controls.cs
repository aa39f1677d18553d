using Microsoft.Extensions.Logging;
using VoiceAgent.Conversation.Compliance;
using VoiceAgent.Conversation.Tools;
using VoiceAgent.Conversation.Transcript;
using VoiceAgent.Observability;

namespace VoiceAgent.Conversation;

/// <summary>
/// Where consent, recording, card capture, keypad choices, silence handling and the history policy meet the call's
/// one writer. <see cref="InterceptAsync"/> sees every event before the normal handling and may take it (a key press
/// while card details are keyed in never reaches the model, the transcript or the logs); <see cref="AfterEventAsync"/>
/// runs once the event is handled (start an exchange a tool asked for, arm the silence watch).
/// </summary>
internal sealed partial class CallSession
{
    private InteractionRequest? _pendingInteraction;
    private bool _resumed;
    /// <summary>The engine is ending the call (goodbye said, <c>end</c> sent): no more prompts or timers.</summary>
    private bool _closing;

    private CallControls? Controls => _deps.Controls;

    /// <summary>Returns null to let the normal handling run, else what <see cref="HandleAsync"/> returns.</summary>
    private async ValueTask<bool?> InterceptAsync(ConversationEvent e, CancellationToken ct)
    {
        if (Controls is null) return null;
        switch (e)
        {
            case SilenceElapsed silence:
                await OnSilenceAsync(silence, ct);
                return true;
            case HistorySummaryReady ready:
                OnSummaryReady(ready);
                return true;
            case HistorySummaryFailed failed:
                OnSummaryFailed(failed);
                return true;
            case PaymentFinished paid:
                await OnPaymentFinishedAsync(paid, ct);
                return true;
        }
        NoteCallerActivity(e);
        if (_consent == ConsentState.Pending && await InterceptConsentAsync(e, ct)) return true;
        if (_capture is not null && await InterceptCaptureAsync(e, ct)) return true;
        if (_choice is not null && await InterceptChoiceAsync(e, ct)) return true;
        if (e is UserSaid { IsFinal: true } said && said.Text.Trim().Length > 0 && await HardCapReachedAsync(ct)) return true;
        return null;
    }

    private async ValueTask AfterEventAsync(CancellationToken ct)
    {
        if (Controls is null || _closing) return;
        if (_pendingInteraction is { } interaction && _current is null)
        {
            _pendingInteraction = null;
            await BeginInteractionAsync(interaction, ct);
        }
        ArmSilenceIfQuiet(ct);
    }

    /// <summary>After the call started (or resumed): consent first, then recording.</summary>
    private async ValueTask BeginControlsAsync(CallInfo call, CancellationToken ct)
    {
        if (Controls is null) return;
        await BeginConsentAsync(call, ct);
        StartRecordingIfAllowed(ct);
    }

    private ValueTask BeginInteractionAsync(InteractionRequest interaction, CancellationToken ct) => interaction switch
    {
        CollectPayment payment => BeginCaptureAsync(payment, ct),
        AskChoice choice => BeginChoiceAsync(choice, ct),
        _ => ValueTask.CompletedTask,
    };

    /// <summary>Speaks a line as its own reply; recorded in history and transcript unless <paramref name="record"/> is false.</summary>
    private async ValueTask SpeakLineAsync(string line, bool record, CancellationToken ct)
    {
        if (record)
        {
            await SayAsync(line, ct);
            return;
        }
        await _transport.SendAsync(new SpeakToken(line, Last: true, ++_nextReplyId), ct);
        _lastFullReply = line;
    }

    /// <summary>The engine ends the call: goodbye, hand-off data, no more timers.</summary>
    private async ValueTask EndCallAsync(string line, string reasonCode, string reason, CancellationToken ct)
    {
        _closing = true;
        DisarmSilence();
        await CutCurrentReplyAsync(heard: null, closeTalkCycle: true, _deps.Clock.GetTimestamp(), ct);
        await SayAsync(line, ct);
        _transcript.HandedOff(reasonCode, reason);
        await _transport.SendAsync(new EndCall(HandoffJson(reasonCode, reason)), ct);
    }

    /// <summary>The call's record as kept: without any transcript when the caller opted out (or never answered the consent prompt).</summary>
    private CallRecord? FinishRecord()
    {
        var record = _transcript.Finish(_transportName, _endedReason);
        if (record is null || Controls is null) return record;
        if (!TranscriptMayBeKept)
        {
            if (_endedNormally || _endSent) _history.Forget(); // nothing left in the session store either
            LogTranscriptWithheld(_logger, CallId, _consent);
            return record with { Entries = [], TranscriptWithheld = true };
        }
        return record;
    }

    [LoggerMessage(EventId = EventIds.TranscriptNotKept, Level = LogLevel.Information, Message = "Call {CallId}: no transcript kept (consent {Consent})")]
    private static partial void LogTranscriptWithheld(ILogger logger, string callId, ConsentState consent);
}
