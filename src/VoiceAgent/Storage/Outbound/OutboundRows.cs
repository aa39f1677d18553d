namespace VoiceAgent.Storage.Outbound;

/// <summary>One placed outbound call as stored: <see cref="Id"/> travels on our callback URLs, the payload is sealed.</summary>
public sealed record OutboundCallRow(string Id, string? CallSid, long? QueueId, string ToHash, string Transport, string KeyId, byte[] Payload,
    string Status, int LastSequence, string? AnsweredBy, bool VoicemailLeft, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>One callback or decision about an outbound call (status, amd, voicemail, own-detector signal).</summary>
public sealed record CallStatusEvent(string OutboundId, string? CallSid, string Kind, string Value, int? SequenceNumber, DateTimeOffset At);

/// <summary>A campaign entry: whom to call (sealed), in which time zone, and where it stands.</summary>
public sealed record QueueEntry(long Id, string ToHash, string Transport, string TimeZone, string KeyId, byte[] Payload, string State,
    int Attempts, DateTimeOffset NextAttemptAt, string? CallSid, string? LastStatus);

/// <summary>States of a campaign entry.</summary>
public static class QueueStates
{
    public const string Queued = "queued";
    /// <summary>Claimed by one instance (leased) and being dialled.</summary>
    public const string Dialing = "dialing";
    /// <summary>Placed; waiting for the final status callback.</summary>
    public const string Calling = "calling";
    public const string Done = "done";
    /// <summary>Busy or no answer on every allowed attempt.</summary>
    public const string GaveUp = "gave-up";
    public const string Failed = "failed";
    public const string DoNotCall = "do-not-call";
}
