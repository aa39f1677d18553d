using VoiceAgent.Storage.Encryption;

namespace VoiceAgent.Storage.Records;

/// <summary>Re-encrypts every transcript sealed under an older key with the current key (the <c>rekey</c> command).</summary>
public static class TranscriptRekeyer
{
    /// <summary>
    /// The <c>rekey</c> command: opens the records store the settings name (<c>DATABASE_URL</c> or SQLite in
    /// <c>DATA_DIR</c>) with the keyring they describe and re-encrypts under <c>TRANSCRIPT_ENCRYPTION_KEY</c>.
    /// </summary>
    public static async Task<(int Rekeyed, string KeyId)> RunAsync(Hosting.VoiceAgentSettings settings, CancellationToken cancellationToken)
    {
        var errors = settings.Validate();
        if (errors.Count > 0) throw new InvalidOperationException("Invalid configuration: " + string.Join(" ", errors));
        var cipher = new TranscriptCipher(TranscriptKeyring.Load(settings.DataDir, settings.TranscriptEncryptionKey, settings.TranscriptEncryptionOldKeys));
        await using var store = new SqlRecordsStore(RecordsDialect.Create(settings.DatabaseUrl, settings.DataDir));
        await store.MigrateAsync(cancellationToken);
        return (await RekeyAsync(store, cipher, cancellationToken), cipher.Keyring.CurrentKeyId);
    }

    /// <summary>Returns how many transcripts were re-encrypted.</summary>
    public static async Task<int> RekeyAsync(IRecordsStore store, TranscriptCipher cipher, CancellationToken cancellationToken)
    {
        var current = cipher.Keyring.CurrentKeyId;
        var done = 0;
        var skipped = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            var batch = (await store.ListTranscriptsNotUnderKeyAsync(current, 100 + skipped.Count, cancellationToken)).Where(t => !skipped.Contains(t.CallSid)).ToList();
            if (batch.Count == 0) return done;
            foreach (var row in batch)
            {
                var plaintext = cipher.Open(new SealedValue(row.KeyId, row.Ciphertext), row.CallSid);
                var resealed = cipher.Seal(plaintext, row.CallSid);
                System.Security.Cryptography.CryptographicOperations.ZeroMemory(plaintext);
                if (await store.ReplaceCiphertextAsync(row.CallSid, row.KeyId, resealed.KeyId, resealed.Data, cancellationToken)) done++;
                else skipped.Add(row.CallSid); // changed or deleted meanwhile
            }
        }
    }
}
