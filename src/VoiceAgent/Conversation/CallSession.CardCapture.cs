using System.Globalization;
using Microsoft.Extensions.Logging;
using VoiceAgent.Conversation.Compliance;
using VoiceAgent.Conversation.Tools;
using VoiceAgent.Observability;
using VoiceAgent.Payments;

namespace VoiceAgent.Conversation;

/// <summary>
/// Card entry (PCI), started by the model's <c>collect_payment</c> tool: the recording is paused first (no pause, no
/// entry: fail closed), then the caller keys the number, expiry and security code, each ended with <c>#</c> (<c>*</c>
/// cancels). The keys go into a buffer that is wiped after use: never to the model, the transcript, the logs or the
/// recording. The payment handler runs off the mailbox as a tracked task; its outcome (approved or not, a reference)
/// comes back through the mailbox and is all the model hears, and the recording is resumed.
/// </summary>
internal sealed partial class CallSession
{
    private CardCapture? _capture;
    private bool _recordingPaused;
    /// <summary>The payment handler's run, tracked: its outcome comes back through the mailbox, and the call's end awaits it.</summary>
    private Task<PaymentFinished>? _charge;
    private CancellationTokenSource? _chargeStop;

    private async ValueTask BeginCaptureAsync(CollectPayment request, CancellationToken ct)
    {
        if (Controls!.Payments is null)
        {
            await ModelHearsAsync("[collect_payment could not run: card payments are not set up on this line]", ct);
            return;
        }
        if (!await PauseRecordingAsync(ct))
        {
            LogCaptureAborted(_logger, CallId, "the recording could not be paused");
            await ModelHearsAsync("[Card entry did not start: the call recording could not be paused, so card details must not be taken on this call. Offer another way to pay.]", ct);
            return;
        }
        _capture = new CardCapture(request);
        LogCaptureStarted(_logger, CallId, _recordingPaused);
        _transcript.Action("secure card entry started (keypad; recording paused)");
        await SpeakLineAsync(Controls.Payment.CardNumberPrompt, record: false, ct);
    }

    /// <summary>Takes every caller input during card entry; true when the event was consumed.</summary>
    private async ValueTask<bool> InterceptCaptureAsync(ConversationEvent e, CancellationToken ct)
    {
        var capture = _capture!;
        var lines = Controls!.Payment;
        switch (e)
        {
            case DigitPressed { Digit: "*" } when !capture.Processing:
                await AbandonCaptureAsync("the caller cancelled card entry", ct);
                await StartReplyAfterAsync(ct);
                return true;
            case DigitPressed { Digit: "#" } when !capture.Processing:
                await SubmitFieldAsync(capture, lines, ct);
                return true;
            case DigitPressed digit:
                if (!capture.Processing) capture.Append(digit.Digit);
                return true;
            case UserSaid { IsFinal: true }:
                // Spoken digits would reach speech recognition, the model and the transcript: ask for the keypad instead.
                await SpeakLineAsync(capture.Processing ? lines.ProcessingLine : lines.UseKeypadLine, record: false, ct);
                return true;
            case UserSaid or UserInterrupted or FalseInterruption:
                return true;
            default:
                return false;
        }
    }

    private async ValueTask SubmitFieldAsync(CardCapture capture, PaymentCaptureOptions lines, CancellationToken ct)
    {
        if (capture.TryCompleteField(_deps.Clock.GetUtcNow()))
        {
            if (capture.Field == CardField.Done)
            {
                capture.Processing = true;
                await SpeakLineAsync(lines.ProcessingLine, record: false, ct);
                var request = new PaymentRequest(CallId, capture.Request.Purpose, capture.Request.Amount, capture.Request.Currency, capture.TakeCard());
                _chargeStop = CancellationTokenSource.CreateLinkedTokenSource(ct);
                _charge = ChargeAsync(request, _chargeStop.Token);
                return;
            }
            await SpeakLineAsync(capture.Field == CardField.Expiry ? lines.ExpiryPrompt : lines.SecurityCodePrompt, record: false, ct);
            return;
        }
        if (++capture.Attempts >= lines.AttemptsPerField)
        {
            await AbandonCaptureAsync("the card details were not accepted", ct);
            await StartReplyAfterAsync(ct);
            return;
        }
        var prompt = capture.Field switch { CardField.Number => lines.CardNumberPrompt, CardField.Expiry => lines.ExpiryPrompt, _ => lines.SecurityCodePrompt };
        await SpeakLineAsync(lines.InvalidEntryLine + " " + prompt, record: false, ct);
    }

    /// <summary>
    /// Runs the application's handler off the mailbox, bounded by <see cref="PaymentCaptureOptions.HandlerTimeout"/> on the
    /// call's clock (a handler that ignores its token is left behind at the bound); only the outcome comes back, posted to
    /// the mailbox as <see cref="PaymentFinished"/>. A throwing, declining or silent handler is an outcome like any other.
    /// </summary>
    private async Task<PaymentFinished> ChargeAsync(PaymentRequest request, CancellationToken stop)
    {
        PaymentFinished outcome;
        using var bound = new CancellationTokenSource(Controls!.Payment.HandlerTimeout, _deps.Clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stop, bound.Token);
        try
        {
            var result = await Controls.Payments!.ChargeAsync(request, linked.Token).WaitAsync(linked.Token);
            var reference = result.Reference is { Length: > 0 } r ? ", reference " + LogValues.MaskPhoneNumbers(r) : "";
            var message = result.Message is { Length: > 0 } m ? ": " + LogValues.MaskPhoneNumbers(m) : "";
            outcome = new PaymentFinished(result.Approved, (result.Approved ? "approved" : "declined") + reference + message);
        }
        catch (Exception ex) when (!stop.IsCancellationRequested)
        {
            var why = bound.IsCancellationRequested ? "no answer within " + Controls.Payment.HandlerTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture) + " s" : ex.GetType().Name;
            LogHandlerFailed(_logger, CallId, why);
            outcome = new PaymentFinished(false, "not completed: the payment service did not answer (" + why + ")");
        }
        catch (Exception)
        {
            outcome = new PaymentFinished(false, "not confirmed: the call ended before the payment service answered");
        }
        if (!stop.IsCancellationRequested) _mailbox.Writer.TryWrite(outcome with { ReceivedAt = _deps.Clock.GetTimestamp() });
        return outcome;
    }

    private async ValueTask OnPaymentFinishedAsync(PaymentFinished paid, CancellationToken ct)
    {
        ForgetCharge();
        if (_capture is not { Processing: true } capture) return;
        _capture = null;
        LogCaptureFinished(_logger, CallId, paid.Approved);
        await ResumeRecordingAsync(ct);
        _transcript.Action($"card payment {(paid.Approved ? "approved" : "not approved")}");
        await ModelHearsAsync($"[Card payment for {capture.Request.Purpose}: {paid.Note}. The caller has not heard the result yet.]", ct);
    }

    /// <summary>
    /// At the call's end: a charge still running is cancelled (its handler's token) and awaited, like the call's other
    /// background work, and what it came to is filed in the transcript (never the card).
    /// </summary>
    private async ValueTask StopChargeAsync()
    {
        if (_charge is not { } charge) return;
        await _chargeStop!.CancelAsync();
        var outcome = await charge;
        ForgetCharge();
        if (_capture is not { Processing: true }) return; // its outcome was already handled
        _capture = null;
        LogCaptureFinished(_logger, CallId, outcome.Approved);
        _transcript.Action(outcome.Approved ? "card payment approved (after the call ended)" : "card payment " + outcome.Note);
    }

    private void ForgetCharge()
    {
        _charge = null;
        _chargeStop?.Dispose();
        _chargeStop = null;
    }

    /// <summary>Ends card entry without charging (cancelled, invalid, silence, hang-up): digits wiped, recording resumed.</summary>
    private async ValueTask AbandonCaptureAsync(string reason, CancellationToken ct)
    {
        if (_capture is not { } capture) return;
        _capture = null;
        capture.Wipe();
        LogCaptureAborted(_logger, CallId, reason);
        await ResumeRecordingAsync(ct);
        _transcript.Action("card entry ended without payment");
        _history.AddUser($"[Card entry for {capture.Request.Purpose} ended without payment: {reason}]");
    }

    /// <summary>Tells the model something happened (caller-side note) and lets it reply.</summary>
    private async ValueTask ModelHearsAsync(string note, CancellationToken ct)
    {
        _history.AddUser(note);
        await StartReplyAfterAsync(ct);
    }

    private ValueTask StartReplyAfterAsync(CancellationToken ct)
    {
        if (_current is null && !_closing) _ = StartReply(_deps.Clock.GetTimestamp(), ct);
        return ValueTask.CompletedTask;
    }

    [LoggerMessage(EventId = EventIds.PaymentCaptureStarted, Level = LogLevel.Information, Message = "Call {CallId}: secure card entry started (recording paused: {RecordingPaused})")]
    private static partial void LogCaptureStarted(ILogger logger, string callId, bool recordingPaused);

    [LoggerMessage(EventId = EventIds.PaymentCaptureFinished, Level = LogLevel.Information, Message = "Call {CallId}: card entry finished; payment approved: {Approved}")]
    private static partial void LogCaptureFinished(ILogger logger, string callId, bool approved);

    [LoggerMessage(EventId = EventIds.PaymentHandlerFailed, Level = LogLevel.Warning, Message = "Call {CallId}: the payment handler failed ({Reason}); the caller is told the payment did not go through")]
    private static partial void LogHandlerFailed(ILogger logger, string callId, string reason);

    [LoggerMessage(EventId = EventIds.PaymentCaptureAborted, Level = LogLevel.Information, Message = "Call {CallId}: card entry ended without payment ({Reason})")]
    private static partial void LogCaptureAborted(ILogger logger, string callId, string reason);

    private enum CardField { Number, Expiry, SecurityCode, Done }

    /// <summary>The keys of one card entry, in a buffer wiped as soon as a field is taken or the entry ends.</summary>
    private sealed class CardCapture(CollectPayment request)
    {
        private readonly char[] _keys = new char[24];
        private int _length;
        private string? _number;
        private (int Month, int Year) _expiry;
        private string? _code;

        public CollectPayment Request { get; } = request;
        public CardField Field { get; private set; } = CardField.Number;
        public int Attempts { get; set; }
        public bool Processing { get; set; }

        public void Append(string digit)
        {
            if (digit.Length == 1 && char.IsAsciiDigit(digit[0]) && _length < _keys.Length) _keys[_length++] = digit[0];
            else if (_length < _keys.Length) _keys[_length++] = 'x'; // anything else makes the field invalid
        }

        public bool TryCompleteField(DateTimeOffset now)
        {
            var keys = _keys.AsSpan(0, _length);
            var ok = Field switch
            {
                CardField.Number when CardEntry.IsCardNumber(keys) => Take(ref _number, keys),
                CardField.Expiry when CardEntry.Expiry(keys, now) is { } expiry => TakeExpiry(expiry),
                CardField.SecurityCode when CardEntry.IsSecurityCode(keys) => Take(ref _code, keys),
                _ => false,
            };
            Array.Clear(_keys);
            _length = 0;
            if (!ok) return false;
            Field++;
            Attempts = 0;
            return true;
        }

        public CardDetails TakeCard()
        {
            var card = new CardDetails(_number!, _expiry.Month, _expiry.Year, _code!);
            _number = null;
            _code = null;
            return card;
        }

        public void Wipe()
        {
            Array.Clear(_keys);
            _length = 0;
            _number = null;
            _code = null;
        }

        private static bool Take(ref string? field, ReadOnlySpan<char> keys)
        {
            field = new string(keys);
            return true;
        }

        private bool TakeExpiry((int Month, int Year) expiry)
        {
            _expiry = expiry;
            return true;
        }
    }
}
