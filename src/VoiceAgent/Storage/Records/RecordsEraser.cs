using VoiceAgent.Storage.Encryption;

namespace VoiceAgent.Storage.Records;

/// <summary>Erases a caller from the records database: transcripts, consent, and their reference in the audit log.</summary>
internal sealed class RecordsEraser(IRecordsStore store, RecordsStartup startup, CallerIdHasher hasher) : ICallerDataEraser
{
    public string Name => "records";

    public async Task<int> EraseCallerAsync(string callerId, CancellationToken cancellationToken)
    {
        await startup.Migrated.WaitAsync(cancellationToken);
        return await store.EraseCallerAsync(hasher.Hash(callerId), cancellationToken);
    }
}
