using VoiceAgent.Storage.Encryption;

namespace VoiceAgent.Storage.Records;

/// <summary>Re-encrypts every transcript sealed under an older key with the current key (the <c>rekey</c> command).</summary>
public static class TranscriptRekeyer
{
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
