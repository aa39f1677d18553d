using System.Security.Cryptography;
using System.Text;
using VoiceAgent.Storage.Encryption;

namespace VoiceAgent.Tests.Storage;

public sealed class TranscriptCipherTests
{
    private static byte[] NewKey() => RandomNumberGenerator.GetBytes(32);

    [Fact]
    public void A_sealed_value_opens_to_the_plaintext_and_does_not_contain_it()
    {
        var cipher = new TranscriptCipher(new TranscriptKeyring(NewKey(), []));
        var sealedValue = cipher.Seal(Encoding.UTF8.GetBytes("hello caller"), "CA1");
        Assert.DoesNotContain("hello caller", Encoding.Latin1.GetString(sealedValue.Data), StringComparison.Ordinal);
        Assert.Equal("hello caller", Encoding.UTF8.GetString(cipher.Open(sealedValue, "CA1")));
    }

    [Fact]
    public void An_altered_byte_or_another_record_id_fails_to_open()
    {
        var cipher = new TranscriptCipher(new TranscriptKeyring(NewKey(), []));
        var sealedValue = cipher.Seal(Encoding.UTF8.GetBytes("hello"), "CA1");
        var altered = sealedValue with { Data = (byte[])sealedValue.Data.Clone() };
        altered.Data[^1] ^= 1;
        Assert.ThrowsAny<CryptographicException>(() => cipher.Open(altered, "CA1"));
        Assert.ThrowsAny<CryptographicException>(() => cipher.Open(sealedValue, "CA2"));
    }

    [Fact]
    public void A_value_under_a_key_no_longer_in_the_keyring_names_the_missing_key()
    {
        var old = new TranscriptCipher(new TranscriptKeyring(NewKey(), []));
        var sealedValue = old.Seal([1, 2, 3], "CA1");
        var rotated = new TranscriptCipher(new TranscriptKeyring(NewKey(), []));
        var error = Assert.ThrowsAny<CryptographicException>(() => rotated.Open(sealedValue, "CA1"));
        Assert.Contains(sealedValue.KeyId, error.Message, StringComparison.Ordinal);
        Assert.Contains("TRANSCRIPT_ENCRYPTION_OLD_KEYS", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_configured_key_one_is_generated_owner_only_and_kept_readable_after_a_key_is_configured()
    {
        var dir = Directory.CreateTempSubdirectory("voiceagent-keys-").FullName;
        try
        {
            var generated = TranscriptKeyring.Load(dir, null, null);
            var path = Path.Combine(dir, TranscriptKeyring.GeneratedKeyFile);
            if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            Assert.Equal(generated.CurrentKeyId, TranscriptKeyring.Load(dir, null, null).CurrentKeyId);

            var configured = TranscriptKeyring.Load(dir, Convert.ToBase64String(NewKey()), null);
            Assert.NotEqual(generated.CurrentKeyId, configured.CurrentKeyId);
            Assert.True(configured.TryGetKey(generated.CurrentKeyId, out _));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData("not base64!")]
    [InlineData("AAAA")]
    public void A_malformed_key_is_reported_with_how_to_make_one(string key)
        => Assert.Contains("openssl rand -base64 32", TranscriptKeyring.Check(key), StringComparison.Ordinal);
}
