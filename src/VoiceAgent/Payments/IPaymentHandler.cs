namespace VoiceAgent.Payments;

/// <summary>
/// Takes the card details a caller keyed in during a call (PCI flow) and charges them. The engine collects the digits
/// from the keypad with call recording paused and hands them here only: they never reach the model, the logs, the
/// transcript or the recording. Register one with <see cref="PaymentServiceCollectionExtensions.AddPaymentHandler{T}"/>;
/// without one the model is not offered the <c>collect_payment</c> tool.
/// </summary>
public interface IPaymentHandler
{
    /// <summary>
    /// Charges the card. What comes back is spoken about and kept, so it must not echo card data (the engine masks
    /// card-like digit runs in it anyway). Throwing counts as "not charged".
    /// </summary>
    Task<PaymentResult> ChargeAsync(PaymentRequest request, CancellationToken cancellationToken);
}

/// <summary>A charge to make: for which call and purpose, how much, and the card.</summary>
public sealed record PaymentRequest(string CallSid, string Purpose, decimal? Amount, string? Currency, CardDetails Card);

/// <summary>The handler's answer. <paramref name="Reference"/> and <paramref name="Message"/> reach the model.</summary>
public sealed record PaymentResult(bool Approved, string? Reference = null, string? Message = null);

/// <summary>
/// Card details as keyed in. Not a record: its <see cref="ToString"/> never shows more than the last four digits,
/// so an accidental log line or exception message cannot carry the number.
/// </summary>
public sealed class CardDetails(string number, int expiryMonth, int expiryYear, string securityCode)
{
    public string Number { get; } = number;
    public int ExpiryMonth { get; } = expiryMonth;
    /// <summary>Four-digit year.</summary>
    public int ExpiryYear { get; } = expiryYear;
    public string SecurityCode { get; } = securityCode;
    public string Last4 => Number.Length >= 4 ? Number[^4..] : "";

    public override string ToString() => $"card ending {Last4}";
}
