using System.Text;
using VoiceAgent.Telephony.Twilio.Security;
using static VoiceAgent.Tests.Telephony.Twilio.Security.PublishedVectors;

namespace VoiceAgent.Tests.Telephony.Twilio.Security;

public sealed class TwilioSignatureBodyHashTests
{
    [Fact]
    public void VectorCJsonBodyIsAccepted()
        => Assert.True(TwilioSignature.IsValidWithBody(AuthToken, VectorCUrl, Encoding.UTF8.GetBytes(VectorCBody), VectorCSignature));

    [Fact]
    public void BodyThatDiffersFromSignedHashIsRejected()
        => Assert.False(TwilioSignature.IsValidWithBody(AuthToken, VectorCUrl, Encoding.UTF8.GetBytes("""{"property": "value", "boolean": false}"""), VectorCSignature));

    [Fact]
    public void UrlWithoutBodyHashIsRejected()
        => Assert.False(TwilioSignature.IsValidWithBody(AuthToken, Url, Encoding.UTF8.GetBytes(VectorCBody), TwilioSignature.Compute(AuthToken, Url)));

    [Fact]
    public void UpperCaseBodyHashIsAccepted()
    {
        var url = Url + "&bodySHA256=" + VectorCBodyHash.ToUpperInvariant();
        Assert.True(TwilioSignature.IsValidWithBody(AuthToken, url, Encoding.UTF8.GetBytes(VectorCBody), TwilioSignature.Compute(AuthToken, url)));
    }

    [Fact]
    public void WrongTokenIsRejectedEvenWithMatchingBody()
        => Assert.False(TwilioSignature.IsValidWithBody("12346", VectorCUrl, Encoding.UTF8.GetBytes(VectorCBody), VectorCSignature));
}
