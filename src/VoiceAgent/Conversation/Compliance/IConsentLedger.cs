using VoiceAgent.Storage.Records;

namespace VoiceAgent.Conversation.Compliance;

/// <summary>
/// Where a caller's consent decision is kept between calls, keyed by the caller ID (hashed by the implementation;
/// the number itself is never stored).
/// </summary>
internal interface IConsentLedger
{
    /// <summary>The caller's earlier decision (null when none is on file), or that the store could not say.</summary>
    Task<ConsentLookup> FindAsync(string callerId, CancellationToken cancellationToken);

    /// <summary>Files the decision; false when the store could not take it (the call honours it anyway).</summary>
    Task<bool> SaveAsync(string callerId, ConsentDecision decision, CancellationToken cancellationToken);
}

/// <summary>What the ledger said: the decision on file (null: none), or <see cref="StoreAnswered"/> false when it could not say.</summary>
internal readonly record struct ConsentLookup(ConsentDecision? Decision, bool StoreAnswered)
{
    public static ConsentLookup NoneOnFile => new(null, true);
    public static ConsentLookup Unavailable => new(null, false);
}
