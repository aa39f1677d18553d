using VoiceAgent.Conversation.History;
using VoiceAgent.Conversation.Pacing;
using VoiceAgent.Payments;

namespace VoiceAgent.Conversation.Compliance;

/// <summary>
/// What every call shares for consent, recording, card capture, silence handling and the history policy. Null in
/// <see cref="CallSessionDependencies"/> turns all of it off (the engine behaves as before).
/// </summary>
internal sealed record CallControls
{
    public ConsentOptions Consent { get; init; } = new();
    public IConsentLedger? ConsentLedger { get; init; }
    /// <summary>Said once consent is settled (the carrier's greeting is withheld while consent is required).</summary>
    public string? GreetingAfterConsent { get; init; }
    public bool RecordingEnabled { get; init; }
    /// <summary>The recorder for a transport (by its name); null when its carrier cannot record through us.</summary>
    public Func<string, ICallRecorder?> RecorderFor { get; init; } = _ => null;
    public SilenceOptions Silence { get; init; } = new() { Timeout = TimeSpan.Zero };
    public HistoryPolicyOptions History { get; init; } = new();
    public HistorySummarizer? Summarizer { get; init; }
    public IPaymentHandler? Payments { get; init; }
    public PaymentCaptureOptions Payment { get; init; } = new();
}
