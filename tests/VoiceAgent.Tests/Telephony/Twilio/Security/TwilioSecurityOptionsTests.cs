using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using VoiceAgent.Telephony.Twilio.Security;

namespace VoiceAgent.Tests.Telephony.Twilio.Security;

public sealed class TwilioSecurityOptionsTests
{
    private const string Sid = "AC0123456789abcdef0123456789abcdef";

    [Fact]
    public void DefaultsAreValid()
        => Assert.Empty(new TwilioSecurityOptions().Validate());

    [Fact]
    public void ValidateListsEveryErrorWithAFix()
    {
        var errors = new TwilioSecurityOptions
        {
            PublicBaseUrl = new Uri("ftp://voice.example.com"),
            AccountSid = "AC123",
            AllowedAccountSids = ["not-a-sid"],
        }.Validate();

        Assert.Equal(3, errors.Count);
        Assert.Contains(errors, e => e.Contains("PUBLIC_BASE_URL", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("TWILIO_ACCOUNT_SID", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("AllowedAccountSids[0]", StringComparison.Ordinal));
    }

    [Fact]
    public void PublicBaseUrlWithQueryIsInvalid()
        => Assert.Single(new TwilioSecurityOptions { PublicBaseUrl = new Uri("https://voice.example.com/?x=1") }.Validate());

    [Fact]
    public void ToStringNeverPrintsTheAuthToken()
    {
        var text = new TwilioSecurityOptions { AuthToken = "super-secret-token", AccountSid = Sid }.ToString();
        Assert.DoesNotContain("super-secret-token", text, StringComparison.Ordinal);
        Assert.Contains("AuthToken = (set)", text, StringComparison.Ordinal);
    }

    [Fact]
    public void FromConfigurationReadsTheContractVariables()
    {
        var options = TwilioSecurityOptions.FromConfiguration(Configuration(new()
        {
            ["PUBLIC_BASE_URL"] = "https://voice.example.com",
            ["TWILIO_ACCOUNT_SID"] = Sid,
            ["TWILIO_AUTH_TOKEN"] = "tok",
        }), isDevelopment: false);

        Assert.Equal(new Uri("https://voice.example.com"), options.PublicBaseUrl);
        Assert.Equal(Sid, options.AccountSid);
        Assert.Equal("tok", options.AuthToken);
        Assert.False(options.BypassSignature);
    }

    [Fact]
    public void FromConfigurationIgnoresBypassOutsideDevelopment()
        => Assert.False(TwilioSecurityOptions.FromConfiguration(Configuration(new() { ["DEV_BYPASS_SIGNATURE"] = "true" }), isDevelopment: false).BypassSignature);

    [Fact]
    public void FromConfigurationHonoursBypassInDevelopment()
        => Assert.True(TwilioSecurityOptions.FromConfiguration(Configuration(new() { ["DEV_BYPASS_SIGNATURE"] = "true" }), isDevelopment: true).BypassSignature);

    [Fact]
    public void FromConfigurationDefaultsPublicBaseUrlToLocalListener()
        => Assert.Equal(new Uri("http://127.0.0.1:8080"), TwilioSecurityOptions.FromConfiguration(Configuration(new()), isDevelopment: false).PublicBaseUrl);

    [Fact]
    public void FromConfigurationRejectsRelativePublicBaseUrlWithAFix()
    {
        var ex = Assert.Throws<InvalidOperationException>(() =>
            TwilioSecurityOptions.FromConfiguration(Configuration(new() { ["PUBLIC_BASE_URL"] = "voice.example.com" }), isDevelopment: false));
        Assert.Contains("https://voice.example.com", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddTwilioSecurityRejectsInvalidOptionsListingErrors()
    {
        var ex = Assert.Throws<InvalidOperationException>(() =>
            new ServiceCollection().AddTwilioSecurity(new TwilioSecurityOptions { AccountSid = "bad", AllowedAccountSids = ["bad"] }));
        Assert.Contains("AccountSid", ex.Message, StringComparison.Ordinal);
        Assert.Contains("AllowedAccountSids[0]", ex.Message, StringComparison.Ordinal);
    }

    private static IConfiguration Configuration(Dictionary<string, string?> values)
        => new ConfigurationBuilder().AddInMemoryCollection(values).Build();
}
