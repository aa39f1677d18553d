using Microsoft.Extensions.Logging;
using VoiceAgent.Conversation.Compliance;
using VoiceAgent.Observability;
using VoiceAgent.Storage.Records;

namespace VoiceAgent.Conversation;

/// <summary>
/// The consent prompt: asked before anything is recorded or kept, answered with 1 / 2 on the keypad or yes / no by
/// voice, filed per caller ID and honoured on later calls (not asked again). Until the caller answers, their input
/// goes nowhere else; an unclear answer is asked again, and after the last attempt the call goes on as declined
/// for this call only (nothing kept, nothing filed: fail closed).
/// </summary>
internal sealed partial class CallSession
{
    private ConsentState _consent = ConsentState.NotRequired;
    private int _consentAttempts;
    private ConsentTexts? _consentTexts;

    /// <summary>Whether this call's transcript may be kept at its end.</summary>
    private bool TranscriptMayBeKept => _consent is ConsentState.NotRequired or ConsentState.Granted;

    private async ValueTask BeginConsentAsync(CallInfo call, CancellationToken ct)
    {
        var options = Controls!.Consent;
        if (!options.Required) return;
        _consentTexts = options.For(call.Language ?? (call.Parameters.TryGetValue("locale", out var locale) ? locale : null));
        if (_resumed && _consentDecision is { } carried)
        {
            _consent = carried == "granted" ? ConsentState.Granted : ConsentState.Declined;
            return;
        }
        var lookup = string.IsNullOrWhiteSpace(call.From) || Controls.ConsentLedger is not { } ledger ? ConsentLookup.NoneOnFile : await ledger.FindAsync(call.From, ct);
        if (!lookup.StoreAnswered)
        {
            // The records store is down: an earlier "no" cannot be seen and a new answer cannot be filed. The safe choice is
            // to keep nothing on this call (no recording, no transcript) and not ask; the caller is asked on a later call.
            _consent = ConsentState.Declined;
            LogConsentUnavailable(_logger, CallId);
            await GreetAfterConsentAsync(ct);
            return;
        }
        if (lookup.Decision is { } decision)
        {
            SetConsent(decision == ConsentDecision.Granted ? ConsentState.Granted : ConsentState.Declined);
            LogConsentOnFile(_logger, CallId, decision);
            await GreetAfterConsentAsync(ct);
            return;
        }
        _consent = ConsentState.Pending;
        LogConsentAsked(_logger, CallId, call.Language ?? options.DefaultLocale);
        await SpeakLineAsync(_consentTexts.Notice, record: false, ct);
    }

    /// <summary>Takes every caller input while the answer is pending; true when the event was consumed.</summary>
    private async ValueTask<bool> InterceptConsentAsync(ConversationEvent e, CancellationToken ct)
    {
        bool? answer;
        string how;
        switch (e)
        {
            case DigitPressed digit:
                answer = ConsentAnswer.FromDigit(digit.Digit);
                how = "keypad";
                break;
            case UserSaid { IsFinal: true } said:
                answer = ConsentAnswer.FromSpeech(said.Text, _consentTexts!);
                how = "speech";
                break;
            case UserSaid or UserInterrupted or FalseInterruption:
                return true; // the caller talking over the notice; the final utterance decides
            default:
                return false;
        }
        if (answer is null)
        {
            if (++_consentAttempts >= Controls!.Consent.MaxAttempts)
            {
                await DecideConsentAsync(granted: false, how + ", no clear answer", file: false, ct);
                return true;
            }
            await SpeakLineAsync(_consentTexts!.NotUnderstood + " " + _consentTexts.Notice, record: false, ct);
            return true;
        }
        await DecideConsentAsync(answer.Value, how, file: true, ct);
        return true;
    }

    private async ValueTask DecideConsentAsync(bool granted, string how, bool file, CancellationToken ct)
    {
        SetConsent(granted ? ConsentState.Granted : ConsentState.Declined);
        var decision = granted ? ConsentDecision.Granted : ConsentDecision.Declined;
        var filed = file && _call?.From is { Length: > 0 } from && Controls!.ConsentLedger is { } ledger && await ledger.SaveAsync(from, decision, ct);
        LogConsentDecided(_logger, CallId, decision, how, filed);
        if (granted)
        {
            _transcript.Action($"consent given ({how})");
            StartRecordingIfAllowed(ct);
        }
        else
        {
            await SpeakLineAsync(_consentTexts!.Declined, record: false, ct);
        }
        await GreetAfterConsentAsync(ct);
    }

    private void SetConsent(ConsentState state)
    {
        _consent = state;
        _consentDecision = state == ConsentState.Granted ? "granted" : "declined";
    }

    /// <summary>The greeting the carrier held back while consent was open (not when a greeting was already spoken, e.g. a call-back offer).</summary>
    private async ValueTask GreetAfterConsentAsync(CancellationToken ct)
    {
        if (Controls!.GreetingAfterConsent is { } greeting && _history.LastAssistant is null) await SayAsync(greeting, ct);
    }

    [LoggerMessage(EventId = EventIds.ConsentAsked, Level = LogLevel.Information, Message = "Call {CallId}: consent asked ({Locale})")]
    private static partial void LogConsentAsked(ILogger logger, string callId, string locale);

    [LoggerMessage(EventId = EventIds.ConsentDecided, Level = LogLevel.Information, Message = "Call {CallId}: consent {Decision} by {How} (filed for later calls: {Filed})")]
    private static partial void LogConsentDecided(ILogger logger, string callId, ConsentDecision decision, string how, bool filed);

    [LoggerMessage(EventId = EventIds.ConsentUnavailable, Level = LogLevel.Warning, Message = "Call {CallId}: consent store unavailable; nothing is recorded or kept on this call, and the caller is not asked")]
    private static partial void LogConsentUnavailable(ILogger logger, string callId);

    [LoggerMessage(EventId = EventIds.ConsentOnFile, Level = LogLevel.Information, Message = "Call {CallId}: consent {Decision} on file for this caller; not asked again")]
    private static partial void LogConsentOnFile(ILogger logger, string callId, ConsentDecision decision);
}

/// <summary>Where the consent question stands on a call.</summary>
internal enum ConsentState
{
    /// <summary>No consent prompt on this line: everything is kept as configured.</summary>
    NotRequired,
    /// <summary>Asked; waiting for the caller's answer. Nothing is recorded meanwhile.</summary>
    Pending,
    Granted,
    Declined,
}
