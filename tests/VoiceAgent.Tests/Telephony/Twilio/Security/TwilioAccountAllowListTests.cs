using Microsoft.Extensions.Logging.Abstractions;
using VoiceAgent.Telephony.Twilio.Security;

namespace VoiceAgent.Tests.Telephony.Twilio.Security;

public sealed class TwilioAccountAllowListTests
{
    private const string Own = "AC0123456789abcdef0123456789abcdef";
    private const string Sub = "ACfedcba9876543210fedcba9876543210";
    private const string Stranger = "AC11111111111111111111111111111111";

    [Fact]
    public void ConfiguredAccountIsAlwaysAllowed()
        => Assert.True(Validator(new() { AccountSid = Own, AllowedAccountSids = [Sub] }).IsAccountAllowed(Own));

    [Fact]
    public void ListedAccountIsAllowed()
        => Assert.True(Validator(new() { AccountSid = Own, AllowedAccountSids = [Sub] }).IsAccountAllowed(Sub));

    [Fact]
    public void UnlistedAccountIsRefused()
        => Assert.False(Validator(new() { AccountSid = Own }).IsAccountAllowed(Stranger));

    [Fact]
    public void MissingAccountIsRefusedWhenAnyAccountIsConfigured()
        => Assert.False(Validator(new() { AccountSid = Own }).IsAccountAllowed(null));

    [Fact]
    public void AnyAccountIsAllowedWhenNoneIsConfigured()
        => Assert.True(Validator(new()).IsAccountAllowed(Stranger));

    [Fact]
    public void AccountComparisonIsCaseSensitive()
        => Assert.False(Validator(new() { AccountSid = Own }).IsAccountAllowed(Own.ToUpperInvariant()));

    private static TwilioRequestValidator Validator(TwilioSecurityOptions options)
        => new(options, NullLogger<TwilioRequestValidator>.Instance);
}
