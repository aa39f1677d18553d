using System.Text.Json;
using Microsoft.Extensions.Logging;
using VoiceAgent.Conversation.Transcript;
using VoiceAgent.Observability;
using VoiceAgent.Storage.Encryption;

namespace VoiceAgent.Storage.Records;

/// <summary>
/// The one way a stored transcript is read back in plaintext: the read is written to the audit log (who, why)
/// before the transcript is opened, so there is no read without an audit row.
/// </summary>
internal sealed partial class TranscriptReader(IRecordsStore store, RecordsStartup startup, TranscriptCipher cipher, TimeProvider clock, ILogger<TranscriptReader> logger)
{
    public async Task<CallRecord?> ReadAsync(string callSid, string actor, string reason, CancellationToken cancellationToken)
    {
        await startup.Migrated.WaitAsync(cancellationToken);
        var row = await store.GetTranscriptAsync(callSid, cancellationToken);
        if (row is null) return null;
        await store.AppendAuditAsync(new AuditEntry(clock.GetUtcNow(), actor, "transcript.read", callSid, row.CallerHash, reason), cancellationToken);
        LogRead(logger, callSid, actor);
        var plaintext = cipher.Open(new SealedValue(row.KeyId, row.Ciphertext), row.CallSid);
        return JsonSerializer.Deserialize(plaintext, CallRecordJsonContext.Default.CallRecord);
    }

    [LoggerMessage(EventId = EventIds.TranscriptRead, Level = LogLevel.Information, Message = "Transcript of call {CallSid} read by {Actor} (audited)")]
    private static partial void LogRead(ILogger logger, string callSid, string actor);
}
