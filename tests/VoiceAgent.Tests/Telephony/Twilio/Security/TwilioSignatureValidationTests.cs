using VoiceAgent.Telephony.Twilio.Security;
using static VoiceAgent.Tests.Telephony.Twilio.Security.PublishedVectors;

namespace VoiceAgent.Tests.Telephony.Twilio.Security;

public sealed class TwilioSignatureValidationTests
{
    [Fact]
    public void VectorAIsAccepted()
        => Assert.True(TwilioSignature.IsValid(AuthToken, Url, VectorAParameters, VectorASignature));

    [Fact]
    public void VectorBIsAcceptedWhateverTheWireOrderOfRepeatedValues()
        => Assert.True(TwilioSignature.IsValid(AuthToken, Url, VectorBParameters.Reverse(), VectorBSignature));

    [Fact]
    public void VectorDIsAccepted()
        => Assert.True(TwilioSignature.IsValid(AuthToken, Url, VectorDParameters, VectorDSignature));

    [Fact]
    public void ChangedParameterValueIsRejected()
        => Assert.False(TwilioSignature.IsValid(AuthToken, Url, VectorAParameters.WithDigits("9999"), VectorASignature));

    [Fact]
    public void WrongAuthTokenIsRejected()
        => Assert.False(TwilioSignature.IsValid("12346", Url, VectorAParameters, VectorASignature));

    [Fact]
    public void ChangedUrlIsRejected()
        => Assert.False(TwilioSignature.IsValid(AuthToken, "https://mycompany.com/myapp.php?foo=1&bar=3", VectorAParameters, VectorASignature));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void MissingSignatureIsRejected(string? signature)
        => Assert.False(TwilioSignature.IsValid(AuthToken, Url, VectorAParameters, signature));

    [Theory]
    [InlineData("not base64!")]
    [InlineData("RSOYDt4T1cUTdK1PDd93/VVr8B8")]
    [InlineData("RSOYDt4T1cUTdK1PDd93/VVr8B8AAAA=")]
    public void MalformedSignatureIsRejected(string signature)
        => Assert.False(TwilioSignature.IsValid(AuthToken, Url, VectorAParameters, signature));

    [Fact]
    public void SignatureMadeWithoutPortIsAcceptedForUrlWithDefaultPort()
        => Assert.True(TwilioSignature.IsValid(AuthToken, "https://mycompany.com:443/myapp.php?foo=1&bar=2", VectorAParameters, VectorASignature));

    [Fact]
    public void SignatureMadeWithDefaultPortIsAcceptedForUrlWithoutPort()
        => Assert.True(TwilioSignature.IsValid(AuthToken, Url, VectorAParameters, "kvajT1Ptam85bY51eRf/AJRuM3w="));

    [Fact]
    public void SignatureMadeWithPort80IsAcceptedForHttpUrlWithoutPort()
        => Assert.True(TwilioSignature.IsValid(AuthToken, "http://mycompany.com/myapp.php?foo=1&bar=2", VectorAParameters, "0ZXoZLH/DfblKGATFgpif+LLRf4="));

    [Fact]
    public void ExplicitNonDefaultPortIsStrippedBeforeComparing()
        => Assert.True(TwilioSignature.IsValid(AuthToken, "https://mycompany.com:1234/myapp.php?foo=1&bar=2", VectorAParameters, VectorASignature));

    [Fact]
    public void SignatureMadeWithExplicitPortIsAcceptedForThatUrl()
        => Assert.True(TwilioSignature.IsValid(AuthToken, "http://mycompany.com:1234/myapp.php?foo=1&bar=2", VectorAParameters, "Zmvh+3yNM1Phv2jhDCwEM3q5ebU="));

    [Fact]
    public void SignatureForAnotherExplicitPortIsRejected()
        => Assert.False(TwilioSignature.IsValid(AuthToken, "http://mycompany.com:8080/myapp.php?foo=1&bar=2", VectorAParameters, "Zmvh+3yNM1Phv2jhDCwEM3q5ebU="));
}
