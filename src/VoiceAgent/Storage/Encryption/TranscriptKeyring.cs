using System.Security.Cryptography;
using System.Text;

namespace VoiceAgent.Storage.Encryption;

/// <summary>
/// The AES-256 keys transcripts are encrypted with: one current key (new records) and any previous ones (old
/// records stay readable until <c>rekey</c> moves them). A key's id is derived from the key itself, so the id
/// stored with each record always names the one key that opens it.
/// </summary>
public sealed class TranscriptKeyring
{
    public const string GeneratedKeyFile = "transcript-encryption-key";
    private readonly Dictionary<string, byte[]> _keys = new(StringComparer.Ordinal);

    public TranscriptKeyring(byte[] currentKey, IEnumerable<byte[]> previousKeys)
    {
        CurrentKeyId = Add(currentKey);
        foreach (var key in previousKeys) Add(key);
    }

    public string CurrentKeyId { get; }
    public byte[] CurrentKey => _keys[CurrentKeyId];
    public IReadOnlyCollection<string> KeyIds => _keys.Keys;

    public bool TryGetKey(string keyId, out byte[] key) => _keys.TryGetValue(keyId, out key!);

    /// <summary>
    /// <paramref name="configuredKey"/> (base64 of 32 bytes) is the current key when set, else a key generated once
    /// and kept in <paramref name="dataDir"/> (owner-only). <paramref name="oldKeys"/> (comma-separated base64) and a
    /// previously generated key file stay readable.
    /// </summary>
    public static TranscriptKeyring Load(string dataDir, string? configuredKey, string? oldKeys)
    {
        var previous = ParseKeys(oldKeys).ToList();
        byte[] current;
        var generatedPath = Path.Combine(dataDir, GeneratedKeyFile);
        if (configuredKey is not null)
        {
            current = ParseKey(configuredKey);
            if (File.Exists(generatedPath)) previous.Add(Convert.FromBase64String(File.ReadAllText(generatedPath).Trim()));
        }
        else
        {
            current = Hosting.SecretFile.LoadOrCreateKey(dataDir, GeneratedKeyFile);
        }
        return new TranscriptKeyring(current, previous);
    }

    /// <summary>Null when <paramref name="value"/> is valid; else what is wrong with it.</summary>
    public static string? Check(string value)
    {
        try { _ = ParseKey(value); return null; }
        catch (FormatException ex) { return ex.Message; }
    }

    public static string KeyIdOf(byte[] key)
    {
        var digest = SHA256.HashData([.. Encoding.ASCII.GetBytes("voiceagent-transcript-key-id:"), .. key]);
        return "k" + Convert.ToHexStringLower(digest.AsSpan(0, 8));
    }

    private string Add(byte[] key)
    {
        var id = KeyIdOf(key);
        _keys.TryAdd(id, key);
        return id;
    }

    private static IEnumerable<byte[]> ParseKeys(string? keys)
        => (keys ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(ParseKey);

    private static byte[] ParseKey(string value)
    {
        byte[] key;
        try { key = Convert.FromBase64String(value.Trim()); }
        catch (FormatException) { throw new FormatException("is not base64 (generate one with: openssl rand -base64 32)"); }
        if (key.Length != 32) throw new FormatException($"decodes to {key.Length} bytes, AES-256 needs 32 (generate one with: openssl rand -base64 32)");
        return key;
    }
}
