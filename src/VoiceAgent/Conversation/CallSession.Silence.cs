using Microsoft.Extensions.Logging;
using VoiceAgent.Conversation.Compliance;
using VoiceAgent.Observability;

namespace VoiceAgent.Conversation;

/// <summary>
/// The silence watch: armed when the agent has finished speaking and nothing is in flight, on the injected clock, for
/// the silence timeout plus the time the last line takes to say. Any caller input disarms it (a partial utterance
/// re-arms it from scratch); when it fires the agent reprompts, and after the configured reprompts it says goodbye
/// and ends the call. A timer that fired after the caller spoke is recognised by its generation and ignored.
/// </summary>
internal sealed partial class CallSession
{
    private ITimer? _silenceTimer;
    private int _silenceGeneration;
    private int _silenceStrikes;

    private void NoteCallerActivity(ConversationEvent e)
    {
        switch (e)
        {
            case UserSaid { IsFinal: true } or DigitPressed:
                _silenceStrikes = 0;
                DisarmSilence();
                break;
            case UserSaid or UserInterrupted or FalseInterruption:
                DisarmSilence();
                break;
        }
    }

    private void ArmSilenceIfQuiet(CancellationToken ct)
    {
        var options = Controls!.Silence;
        if (options.Timeout <= TimeSpan.Zero || _silenceTimer is not null || _current is not null || _call is null || _closing || ct.IsCancellationRequested) return;
        if (_capture is { Processing: true }) return; // waiting on the payment handler, not on the caller
        var due = options.Timeout + options.SpeakingTimePerChar * (_lastFullReply?.Length ?? 0);
        var generation = ++_silenceGeneration;
        _silenceTimer = _deps.Clock.CreateTimer(static state =>
        {
            var (session, gen) = ((CallSession, int))state!;
            session._mailbox.Writer.TryWrite(new SilenceElapsed(gen) { ReceivedAt = session._deps.Clock.GetTimestamp() });
        }, (this, generation), due, Timeout.InfiniteTimeSpan);
    }

    private void DisarmSilence()
    {
        _silenceTimer?.Dispose();
        _silenceTimer = null;
        _silenceGeneration++;
    }

    private async ValueTask OnSilenceAsync(SilenceElapsed silence, CancellationToken ct)
    {
        if (silence.Generation != _silenceGeneration || _current is not null || _closing) return;
        _silenceTimer?.Dispose();
        _silenceTimer = null;
        var options = Controls!.Silence;
        if (++_silenceStrikes <= options.Reprompts)
        {
            LogSilenceReprompt(_logger, CallId, _silenceStrikes);
            // While consent is open the notice follows (the question still stands); nothing of it is kept.
            if (_consent == ConsentState.Pending) await SpeakLineAsync(options.RepromptLine + " " + _consentTexts!.Notice, record: false, ct);
            else await SayAsync(options.RepromptLine, ct);
            return;
        }
        LogSilenceEnded(_logger, CallId, _silenceStrikes - 1);
        await AbandonCaptureAsync("the caller went silent", ct);
        await EndCallAsync(options.GoodbyeLine, Handoff.AgentEnded, "no response from the caller", ct);
    }

    [LoggerMessage(EventId = EventIds.SilenceReprompt, Level = LogLevel.Information, Message = "Call {CallId}: caller silent; reprompt {Strike}")]
    private static partial void LogSilenceReprompt(ILogger logger, string callId, int strike);

    [LoggerMessage(EventId = EventIds.SilenceEnded, Level = LogLevel.Information, Message = "Call {CallId}: caller still silent after {Reprompts} reprompt(s); ending the call politely")]
    private static partial void LogSilenceEnded(ILogger logger, string callId, int reprompts);
}
