namespace VoiceAgent.Storage.Records;

/// <summary>A transcript row as stored: ciphertext only, with the id of the key that sealed it.</summary>
public sealed record StoredTranscript(string CallSid, string? CallerHash, DateTimeOffset StartedAt, DateTimeOffset EndedAt, string KeyId, byte[] Ciphertext)
{
    /// <summary>Insertion order (database identity); 0 before it is stored.</summary>
    public long Id { get; init; }
}

/// <summary>A caller's answer to the consent prompt.</summary>
public enum ConsentDecision
{
    Granted,
    Declined,
}

/// <summary>One audit-log row: who did what, to which call, and why.</summary>
public sealed record AuditEntry(DateTimeOffset At, string Actor, string Action, string? CallSid, string? CallerHash, string Reason)
{
    public long Id { get; init; }
}

/// <summary>
/// A finished call's cost as filed in the records (every priced call, kept or withheld transcript alike): the breakdown
/// of the end-of-call record. No caller reference: the call SID, the transport and when it ended.
/// </summary>
public sealed record StoredCallCost(string CallSid, string Transport, DateTimeOffset EndedAt, Observability.Cost.CallCost Cost);
