namespace VoiceAgent.Telephony.Outbound;

/// <summary>A call to place: the number, the transport (<c>relay</c> or <c>media</c>; null: the default) and the context the model gets.</summary>
public sealed record DialRequest(string To, string? Transport, IReadOnlyDictionary<string, string> Context);

/// <summary>How a dial ended: placed (with the carrier's call SID), or refused and why.</summary>
public sealed record DialResult(DialOutcome Outcome, string? CallSid, string? OutboundId, string Detail)
{
    public bool Placed => Outcome == DialOutcome.Placed;
}

public enum DialOutcome
{
    Placed,
    /// <summary>The request is wrong (number, transport, context): fix it, do not retry.</summary>
    Invalid,
    /// <summary>The number is on the do-not-call list.</summary>
    DoNotCall,
    /// <summary>No caller ID or Twilio credentials are configured.</summary>
    NotConfigured,
    /// <summary>Twilio refused the request (4xx): do not retry as is.</summary>
    Rejected,
    /// <summary>Twilio or the records store could not be reached (5xx, network): worth retrying later.</summary>
    Unavailable,
}
