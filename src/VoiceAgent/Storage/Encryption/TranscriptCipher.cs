using System.Security.Cryptography;
using System.Text;

namespace VoiceAgent.Storage.Encryption;

/// <summary>
/// AES-256-GCM for everything kept at rest (transcripts in the database, spooled records on disk). Each sealed
/// value is <c>nonce(12) | tag(16) | ciphertext</c> under the keyring's current key, bound to its record id as
/// associated data so a ciphertext cannot be moved to another row.
/// </summary>
public sealed class TranscriptCipher(TranscriptKeyring keyring)
{
    private const int NonceSize = 12;
    private const int TagSize = 16;

    public TranscriptKeyring Keyring => keyring;

    public SealedValue Seal(ReadOnlySpan<byte> plaintext, string recordId)
    {
        var output = new byte[NonceSize + TagSize + plaintext.Length];
        var nonce = output.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(keyring.CurrentKey, TagSize);
        aes.Encrypt(nonce, plaintext, output.AsSpan(NonceSize + TagSize), output.AsSpan(NonceSize, TagSize), Encoding.UTF8.GetBytes(recordId));
        return new SealedValue(keyring.CurrentKeyId, output);
    }

    /// <summary>Opens a sealed value; throws <see cref="CryptographicException"/> when the key is unknown or the data was altered.</summary>
    public byte[] Open(SealedValue value, string recordId)
    {
        if (!keyring.TryGetKey(value.KeyId, out var key))
            throw new CryptographicException($"No key with id {value.KeyId} in the keyring: add it to TRANSCRIPT_ENCRYPTION_OLD_KEYS.");
        if (value.Data.Length < NonceSize + TagSize) throw new CryptographicException("Sealed value is truncated.");
        var plaintext = new byte[value.Data.Length - NonceSize - TagSize];
        using var aes = new AesGcm(key, TagSize);
        aes.Decrypt(value.Data.AsSpan(0, NonceSize), value.Data.AsSpan(NonceSize + TagSize), value.Data.AsSpan(NonceSize, TagSize), plaintext, Encoding.UTF8.GetBytes(recordId));
        return plaintext;
    }
}

/// <summary>Ciphertext and the id of the key that sealed it.</summary>
public sealed record SealedValue(string KeyId, byte[] Data);
