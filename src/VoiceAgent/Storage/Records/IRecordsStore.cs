using VoiceAgent.Speech.Pipeline;

namespace VoiceAgent.Storage.Records;

/// <summary>
/// Durable records: encrypted transcripts, each call's cost, consent decisions per caller, the locale table, the audit log. One
/// implementation over SQLite (default, a file in the data folder) and PostgreSQL (<c>DATABASE_URL</c>). Callers
/// pass caller hashes, never numbers; transcripts arrive already sealed.
/// </summary>
public interface IRecordsStore
{
    /// <summary><c>sqlite</c> or <c>postgresql</c>.</summary>
    string Kind { get; }
    /// <summary>Where the records live (no password), for readiness and logs.</summary>
    string Describe { get; }

    /// <summary>Applies any migration not yet applied; safe to call from several instances at once.</summary>
    Task MigrateAsync(CancellationToken cancellationToken);
    Task PingAsync(CancellationToken cancellationToken);

    /// <summary>Inserts unless a transcript for the call is already stored; true when this call inserted it.</summary>
    Task<bool> InsertTranscriptAsync(StoredTranscript transcript, CancellationToken cancellationToken);
    Task<StoredTranscript?> GetTranscriptAsync(string callSid, CancellationToken cancellationToken);
    Task<IReadOnlyList<StoredTranscript>> ListTranscriptsAsync(CancellationToken cancellationToken);
    /// <summary>Up to <paramref name="limit"/> transcripts sealed under any key but <paramref name="keyId"/>.</summary>
    Task<IReadOnlyList<StoredTranscript>> ListTranscriptsNotUnderKeyAsync(string keyId, int limit, CancellationToken cancellationToken);
    /// <summary>Replaces a transcript's ciphertext if it is still under <paramref name="expectedKeyId"/>.</summary>
    Task<bool> ReplaceCiphertextAsync(string callSid, string expectedKeyId, string keyId, byte[] ciphertext, CancellationToken cancellationToken);
    Task<int> DeleteTranscriptsEndedBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken);

    Task SetConsentAsync(string callerHash, ConsentDecision decision, DateTimeOffset at, CancellationToken cancellationToken);
    Task<ConsentDecision?> GetConsentAsync(string callerHash, CancellationToken cancellationToken);

    Task<IReadOnlyList<CallLocale>> GetLocalesAsync(CancellationToken cancellationToken);
    Task UpsertLocaleAsync(CallLocale locale, CancellationToken cancellationToken);
    /// <summary>Writes <paramref name="rows"/> only when the table is empty (first start), so later edits stick.</summary>
    Task SeedLocalesAsync(IReadOnlyList<CallLocale> rows, CancellationToken cancellationToken);

    /// <summary>Files a finished call's cost unless one is already filed for the call; true when this call filed it.</summary>
    Task<bool> InsertCallCostAsync(StoredCallCost cost, CancellationToken cancellationToken);
    Task<StoredCallCost?> GetCallCostAsync(string callSid, CancellationToken cancellationToken);

    Task AppendAuditAsync(AuditEntry entry, CancellationToken cancellationToken);
    Task<IReadOnlyList<AuditEntry>> ListAuditAsync(CancellationToken cancellationToken);

    /// <summary>Deletes the caller's transcripts and consent and removes their reference from the audit log.</summary>
    Task<int> EraseCallerAsync(string callerHash, CancellationToken cancellationToken);
}
