using VoiceAgent.Telephony.Twilio.Security;
using static VoiceAgent.Tests.Telephony.Twilio.Security.PublishedVectors;

namespace VoiceAgent.Tests.Telephony.Twilio.Security;

public sealed class TwilioSignatureComputeTests
{
    [Fact]
    public void VectorAFormWebhookMatchesPublishedSignature()
        => Assert.Equal(VectorASignature, TwilioSignature.Compute(AuthToken, Url, VectorAParameters));

    [Theory]
    [InlineData("https://mycompany.com:443/myapp.php?foo=1&bar=2", "kvajT1Ptam85bY51eRf/AJRuM3w=")]
    [InlineData("http://mycompany.com:80/myapp.php?foo=1&bar=2", "0ZXoZLH/DfblKGATFgpif+LLRf4=")]
    [InlineData("http://mycompany.com:1234/myapp.php?foo=1&bar=2", "Zmvh+3yNM1Phv2jhDCwEM3q5ebU=")]
    [InlineData("http://mycompany.com/myapp.php?foo=1&bar=2", "OyGYPqTF6ztdbRNCvuQO/oPvqQ4=")]
    public void PortVariantsMatchPublishedSignatures(string url, string expected)
        => Assert.Equal(expected, TwilioSignature.Compute(AuthToken, url, VectorAParameters));

    [Fact]
    public void VectorBRepeatedNamesSignEachValueInSortedOrder()
        => Assert.Equal(VectorBSignature, TwilioSignature.Compute(AuthToken, Url, VectorBParameters));

    [Fact]
    public void VectorCSignsUrlCarryingBodyHashWithNoParameters()
        => Assert.Equal(VectorCSignature, TwilioSignature.Compute(AuthToken, VectorCUrl));

    [Fact]
    public void VectorDDocsExampleMatches()
        => Assert.Equal(VectorDSignature, TwilioSignature.Compute(AuthToken, Url, VectorDParameters));

    [Theory]
    [InlineData("wss://voice.example.com/relay", "Sv43j8T9asdzmHgHo286na4Ttmg=")]
    [InlineData("wss://voice.example.com/media", "jFDHVhI8XO69C49uXR3xmdZPylY=")]
    [InlineData("wss://example.com/relay", "mbNFdPBlYbXhXfiw/E6CoJbYji0=")]
    [InlineData("wss://voice.example.com/relay?tenant=acme", "PfnzrlfJX1WcHWLdGSMzQUwXTUI=")]
    public void VectorEWebsocketUrlsSignFullUrlWithNoParameters(string url, string expected)
        => Assert.Equal(expected, TwilioSignature.Compute(AuthToken, url));

    [Fact]
    public void VectorEQueryAsParametersRuleMatches()
        => Assert.Equal(RelayQueryAsParametersSignature,
            TwilioSignature.Compute(AuthToken, "wss://voice.example.com/relay", [new("tenant", "acme")]));
}
