using System.Text.Json;
using Microsoft.Extensions.Logging;
using VoiceAgent.Conversation.Transcript;
using VoiceAgent.Observability;
using VoiceAgent.Storage.Encryption;
using VoiceAgent.Storage.Spool;

namespace VoiceAgent.Storage.Records;

/// <summary>
/// Files each finished call's transcript in the records store, sealed with the current key, and its cost in the clear. Records pass
/// through an encrypted spool, so a database that is down at call end loses nothing: they are written, in
/// order and exactly once (insert keyed by call SID), when it is back. A caller who declined consent has no
/// transcript kept.
/// </summary>
internal sealed partial class TranscriptArchive(
    IRecordsStore store,
    RecordsStartup startup,
    TranscriptCipher cipher,
    EncryptedSpool spool,
    CallerIdHasher hasher,
    SpoolDrainerOptions options,
    TimeProvider clock,
    ILogger<TranscriptArchive> logger) : SpoolDrainer(spool, hasher, options, clock, logger)
{
    public override string Name => "transcript-spool";

    protected override async Task DeliverAsync(CallRecord record, string? callerHash, CancellationToken cancellationToken)
    {
        await startup.Migrated.WaitAsync(cancellationToken);
        // The cost is filed for every priced call, kept transcript or not: it holds no caller reference (and a retry files it once).
        if (record.Cost is { } cost) await store.InsertCallCostAsync(new StoredCallCost(record.CallSid, record.Transport, record.EndedAt, cost), cancellationToken);
        if (record.TranscriptWithheld || (callerHash is not null && await store.GetConsentAsync(callerHash, cancellationToken) == ConsentDecision.Declined))
        {
            LogNotRetained(Logger, record.CallSid);
            return;
        }
        var sealedValue = cipher.Seal(JsonSerializer.SerializeToUtf8Bytes(record, CallRecordJsonContext.Default.CallRecord), record.CallSid);
        var inserted = await store.InsertTranscriptAsync(
            new StoredTranscript(record.CallSid, callerHash, record.StartedAt, record.EndedAt, sealedValue.KeyId, sealedValue.Data), cancellationToken);
        LogArchived(Logger, record.CallSid, record.Entries.Count, inserted);
    }

    [LoggerMessage(EventId = EventIds.TranscriptArchived, Level = LogLevel.Information, Message = "Call {CallSid}: transcript of {Entries} entries stored (new: {Inserted})")]
    private static partial void LogArchived(ILogger logger, string callSid, int entries, bool inserted);

    [LoggerMessage(EventId = EventIds.TranscriptNotRetained, Level = LogLevel.Information, Message = "Call {CallSid}: the caller declined consent; no transcript kept")]
    private static partial void LogNotRetained(ILogger logger, string callSid);
}
