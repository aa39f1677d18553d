using VoiceAgent.Telephony.Twilio.TwiML;

namespace VoiceAgent.Telephony.Twilio.Transfer;

/// <summary>
/// What the person taking the call hears before joining: the reason and the one-sentence summary from the
/// hand-off data. Bounded so the agent leg's inline TwiML stays under Twilio's 4000 characters.
/// </summary>
internal sealed record TransferBrief(string Reason, string Summary)
{
    private const int MaxReason = 200;
    private const int MaxSummary = 400;

    public string Spoken => Summary.Length == 0
        ? $"Incoming transfer from the voice agent. Reason: {Reason}."
        : $"Incoming transfer from the voice agent. Reason: {Reason}. {Summary}";

    /// <summary>The brief in <paramref name="handoffData"/> when it asks for a person; null otherwise.</summary>
    public static TransferBrief? FromHandoffData(string? handoffData)
    {
        var payload = HandoffPayload.Parse(handoffData);
        if (payload is null || payload.TransferTarget is not null || !string.Equals(payload.ReasonCode, ConnectActionReply.LiveAgentHandoff, StringComparison.Ordinal))
            return null;
        return new TransferBrief(Bound(payload.Reason, MaxReason) is { Length: > 0 } r ? r.TrimEnd('.') : "the caller needs a person", Bound(payload.Summary, MaxSummary));
    }

    private static string Bound(string? text, int max)
    {
        var t = (text ?? "").Trim();
        return t.Length <= max ? t : t[..max];
    }
}
