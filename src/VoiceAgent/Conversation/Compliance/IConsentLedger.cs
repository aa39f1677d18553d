using VoiceAgent.Storage.Records;

namespace VoiceAgent.Conversation.Compliance;

/// <summary>
/// Where a caller's consent decision is kept between calls, keyed by the caller ID (hashed by the implementation;
/// the number itself is never stored).
/// </summary>
internal interface IConsentLedger
{
    /// <summary>The caller's earlier decision; null when none is on file or the store cannot say (then the caller is asked).</summary>
    Task<ConsentDecision?> FindAsync(string callerId, CancellationToken cancellationToken);

    /// <summary>Files the decision; false when the store could not take it (the call honours it anyway).</summary>
    Task<bool> SaveAsync(string callerId, ConsentDecision decision, CancellationToken cancellationToken);
}
