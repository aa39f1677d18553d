namespace VoiceAgent.Payments;

/// <summary>What the caller hears during keypad card entry, and how long the handler may take.</summary>
public sealed record PaymentCaptureOptions
{
    public string CardNumberPrompt { get; init; } = "For your security I've paused the recording. Please key in your card number, then press the pound key.";
    public string ExpiryPrompt { get; init; } = "Now the expiry date: two digits for the month and two for the year, then pound.";
    public string SecurityCodePrompt { get; init; } = "And the three or four digit security code on the back, then pound.";
    public string InvalidEntryLine { get; init; } = "That didn't look right. Let's try that part again.";
    public string UseKeypadLine { get; init; } = "For your security, please use the keypad rather than saying the numbers.";
    public string ProcessingLine { get; init; } = "Thank you, one moment while I process that.";
    /// <summary>Attempts per field before card entry is abandoned.</summary>
    public int AttemptsPerField { get; init; } = 2;
    public TimeSpan HandlerTimeout { get; init; } = TimeSpan.FromSeconds(20);
}
