using System.Text;
using VoiceAgent.Emulators.Twilio;
using VoiceAgent.Telephony.Twilio.Security;
using static VoiceAgent.Tests.Telephony.Twilio.Security.PublishedVectors;

namespace VoiceAgent.Tests.Telephony.Twilio.Security;

public sealed class TwilioRequestSignerTests
{
    private readonly TwilioRequestSigner _signer = new(AuthToken);

    [Fact]
    public void SignerReproducesVectorA()
        => Assert.Equal(VectorASignature, _signer.Sign(Url, VectorAParameters));

    [Fact]
    public void SignerReproducesVectorBWithRepeatedNames()
        => Assert.Equal(VectorBSignature, _signer.Sign(Url, VectorBParameters));

    [Fact]
    public void SignerReproducesVectorD()
        => Assert.Equal(VectorDSignature, _signer.Sign(Url, VectorDParameters));

    [Fact]
    public void SignerReproducesVectorCBodyHashUrlAndSignature()
    {
        var (url, signature) = _signer.SignBody(Url, Encoding.UTF8.GetBytes(VectorCBody));
        Assert.Equal(VectorCUrl, url);
        Assert.Equal(VectorCSignature, signature);
    }

    [Fact]
    public void SignerSignsUpgradesOverFullUrlLikeVectorE()
        => Assert.Equal(RelayFullUrlWithQuerySignature, _signer.SignWebSocketUpgrade("wss://voice.example.com/relay?tenant=acme"));

    [Fact]
    public void SignerOutputValidatesForFormWebhook()
    {
        KeyValuePair<string, string>[] form = [new("AccountSid", "AC0"), new("SpeechResult", "fish & chips <please>"), new("Caller", "+4477 0090 0123")];
        Assert.True(TwilioSignature.IsValid("token-x", "https://voice.example.com/twiml/relay", form,
            new TwilioRequestSigner("token-x").Sign("https://voice.example.com/twiml/relay", form)));
    }

    [Fact]
    public void SignerOutputValidatesForWebsocketUpgrade()
        => Assert.True(TwilioSignature.IsValidWebSocketUpgrade("token-x", "wss://voice.example.com/ws/media",
            new TwilioRequestSigner("token-x").SignWebSocketUpgrade("wss://voice.example.com/ws/media")));

    [Fact]
    public void SignerOutputValidatesForJsonBody()
    {
        var body = Encoding.UTF8.GetBytes("""{"event":"x"}""");
        var (url, signature) = new TwilioRequestSigner("token-x").SignBody("https://voice.example.com/events", body);
        Assert.True(TwilioSignature.IsValidWithBody("token-x", url, body, signature));
    }
}
