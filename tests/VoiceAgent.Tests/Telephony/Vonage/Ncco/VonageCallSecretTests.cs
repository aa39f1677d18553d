using VoiceAgent.Telephony.Vonage.Ncco;

namespace VoiceAgent.Tests.Telephony.Vonage.Ncco;

public sealed class VonageCallSecretTests
{
    [Fact]
    public void GeneratedSecretIs256BitBase64Url()
    {
        var secret = VonageCallSecret.Generate();

        Assert.Equal(43, secret.Length);
        Assert.All(secret, c => Assert.True(char.IsAsciiLetterOrDigit(c) || c is '-' or '_'));
    }

    [Fact]
    public void GeneratedSecretsDiffer()
        => Assert.Equal(100, Enumerable.Range(0, 100).Select(_ => VonageCallSecret.Generate()).Distinct().Count());

    [Fact]
    public void SameSecretMatches()
    {
        var secret = VonageCallSecret.Generate();

        Assert.True(VonageCallSecret.Matches(secret, new string(secret.AsSpan())));
    }

    [Fact]
    public void DifferentSecretDoesNotMatch()
        => Assert.False(VonageCallSecret.Matches(VonageCallSecret.Generate(), VonageCallSecret.Generate()));

    [Fact]
    public void TruncatedSecretDoesNotMatch()
    {
        var secret = VonageCallSecret.Generate();

        Assert.False(VonageCallSecret.Matches(secret, secret[..^1]));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void MissingPresentedSecretDoesNotMatch(string? presented)
        => Assert.False(VonageCallSecret.Matches(VonageCallSecret.Generate(), presented));

    [Fact]
    public void EmptyExpectedSecretNeverMatches()
        => Assert.False(VonageCallSecret.Matches("", ""));
}
