using VoiceAgent.Telephony.Twilio.Security;
using static VoiceAgent.Tests.Telephony.Twilio.Security.PublishedVectors;

namespace VoiceAgent.Tests.Telephony.Twilio.Security;

public sealed class TwilioSignatureWebSocketTests
{
    private const string RelayUrlWithQuery = "wss://voice.example.com/relay?tenant=acme";

    [Fact]
    public void UpgradeSignedOverWssUrlIsAccepted()
        => Assert.True(TwilioSignature.IsValidWebSocketUpgrade(AuthToken, "wss://voice.example.com/relay", "Sv43j8T9asdzmHgHo286na4Ttmg="));

    [Fact]
    public void UpgradeSignedOverWssUrlIsAcceptedWithExplicit443()
        => Assert.True(TwilioSignature.IsValidWebSocketUpgrade(AuthToken, "wss://voice.example.com:443/relay", "Sv43j8T9asdzmHgHo286na4Ttmg="));

    [Fact]
    public void UpgradeSignatureForAnotherPathIsRejected()
        => Assert.False(TwilioSignature.IsValidWebSocketUpgrade(AuthToken, "wss://voice.example.com/relay", "jFDHVhI8XO69C49uXR3xmdZPylY="));

    [Fact]
    public void UpgradeSignedOverHttpsFormOfUrlIsRejected()
        => Assert.False(TwilioSignature.IsValidWebSocketUpgrade(AuthToken, "wss://voice.example.com/relay",
            TwilioSignature.Compute(AuthToken, "https://voice.example.com/relay")));

    [Fact]
    public void UpgradeWithQueryIsAcceptedUnderFullUrlRule()
        => Assert.True(TwilioSignature.IsValidWebSocketUpgrade(AuthToken, RelayUrlWithQuery, RelayFullUrlWithQuerySignature));

    [Fact]
    public void UpgradeWithQueryIsAcceptedUnderQueryAsParametersRule()
        => Assert.True(TwilioSignature.IsValidWebSocketUpgrade(AuthToken, RelayUrlWithQuery, RelayQueryAsParametersSignature));

    [Fact]
    public void UpgradeWithChangedQueryValueIsRejectedUnderBothRules()
    {
        Assert.False(TwilioSignature.IsValidWebSocketUpgrade(AuthToken, "wss://voice.example.com/relay?tenant=evil", RelayFullUrlWithQuerySignature));
        Assert.False(TwilioSignature.IsValidWebSocketUpgrade(AuthToken, "wss://voice.example.com/relay?tenant=evil", RelayQueryAsParametersSignature));
    }

    [Fact]
    public void UpgradeWithWrongTokenIsRejected()
        => Assert.False(TwilioSignature.IsValidWebSocketUpgrade("12346", "wss://voice.example.com/relay", "Sv43j8T9asdzmHgHo286na4Ttmg="));
}
