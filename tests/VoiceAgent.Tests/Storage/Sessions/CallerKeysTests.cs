using System.Security.Cryptography;
using System.Text;
using VoiceAgent.Storage.Sessions;

namespace VoiceAgent.Tests.Storage.Sessions;

/// <summary>The caller index key: HMAC-SHA256 (lower-case hex) of the normalised caller ID; none for withheld callers.</summary>
public sealed class CallerKeysTests
{
    private static readonly byte[] Secret = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();

    [Theory]
    [InlineData("+14155550100")]
    [InlineData("+1 (415) 555-0100")]
    [InlineData("  +1-415-555-0100 ")]
    [InlineData("+1 415 555 0100\t")]
    public void Every_written_form_of_a_number_has_the_key_of_its_digits_with_the_leading_plus(string callerId)
    {
        Assert.Equal(Expected("+14155550100"), new CallerKeys(Secret).For(callerId));
    }

    [Theory]
    [InlineData("14155550100", "14155550100")]
    [InlineData("1+415+555", "1415555")] // a '+' counts only as the first character kept
    [InlineData("++44 20", "+4420")]
    [InlineData("(415) 555", "415555")]
    public void Only_digits_and_a_leading_plus_are_kept(string callerId, string normalized)
    {
        Assert.Equal(Expected(normalized), new CallerKeys(Secret).For(callerId));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("anonymous")]
    [InlineData("restricted")]
    [InlineData("+12")]
    public void A_withheld_or_too_short_caller_id_has_no_key(string? callerId)
    {
        Assert.Null(new CallerKeys(Secret).For(callerId));
    }

    [Fact]
    public void A_caller_id_longer_than_the_stack_room_has_the_same_key_as_its_digits()
    {
        var digits = string.Concat(Enumerable.Repeat("0123456789", 12));
        var spaced = string.Join(' ', digits.ToCharArray());

        Assert.Equal(Expected(digits), new CallerKeys(Secret).For(spaced));
    }

    [Fact]
    public void Another_secret_gives_another_key()
    {
        var other = Enumerable.Range(2, 32).Select(i => (byte)i).ToArray();

        Assert.NotEqual(new CallerKeys(Secret).For("+14155550100"), new CallerKeys(other).For("+14155550100"));
    }

    private static string Expected(string normalized) => Convert.ToHexStringLower(HMACSHA256.HashData(Secret, Encoding.ASCII.GetBytes(normalized)));
}
