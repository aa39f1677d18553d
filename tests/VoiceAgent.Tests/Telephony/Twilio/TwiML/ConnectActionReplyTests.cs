using System.Xml.Linq;
using VoiceAgent.Telephony.Twilio.TwiML;

namespace VoiceAgent.Tests.Telephony.Twilio.TwiML;

public sealed class ConnectActionReplyTests
{
    private static readonly ConnectActionReplyOptions Options = new()
    {
        DefaultTransferNumber = "+14155550100",
        TransferTargets = new Dictionary<string, string> { ["sales"] = "+14155550111" },
        CallerId = "+14155550199",
    };

    [Fact]
    public void NoHandoffDataHangsUp()
        => Assert.True(IsHangup(ConnectActionReply.Build(new ConnectActionCallback { SessionStatus = "ended" }, Options)));

    [Fact]
    public void LiveAgentHandoffDialsTheDefaultNumber()
    {
        var dial = Dial(ConnectActionReply.Build(Handoff("""{"reasonCode":"live-agent-handoff","reason":"caller asked for a human"}"""), Options));

        Assert.Equal("+14155550100", (string?)dial.Element("Number"));
        Assert.Equal("+14155550199", (string?)dial.Attribute("callerId"));
    }

    [Fact]
    public void KnownTransferTargetDialsItsConfiguredNumber()
        => Assert.Equal("+14155550111", (string?)Dial(ConnectActionReply.Build(Handoff("""{"reasonCode":"live-agent-handoff","transferTarget":"sales"}"""), Options)).Element("Number"));

    [Fact]
    public void UnknownTransferTargetHangsUp()
        => Assert.True(IsHangup(ConnectActionReply.Build(Handoff("""{"reasonCode":"live-agent-handoff","transferTarget":"+19005550123"}"""), Options)));

    [Fact]
    public void LiveAgentHandoffWithoutDefaultNumberHangsUp()
        => Assert.True(IsHangup(ConnectActionReply.Build(Handoff("""{"reasonCode":"live-agent-handoff"}"""), Options with { DefaultTransferNumber = null })));

    [Fact]
    public void OtherReasonCodeHangsUp()
        => Assert.True(IsHangup(ConnectActionReply.Build(Handoff("""{"reasonCode":"goodbye"}"""), Options)));

    [Fact]
    public void HandoffDataThatIsNotJsonHangsUp()
        => Assert.True(IsHangup(ConnectActionReply.Build(Handoff("transfer me please"), Options)));

    [Fact]
    public void DialWithoutCallerIdOmitsTheAttribute()
        => Assert.Null(Dial(ConnectActionReply.Build(Handoff("""{"reasonCode":"live-agent-handoff"}"""), Options with { CallerId = null })).Attribute("callerId"));

    [Fact]
    public void NonE164TransferNumberIsRejected()
    {
        var ex = Assert.Throws<ArgumentException>(() => ConnectActionReply.Build(new ConnectActionCallback(),
            Options with { TransferTargets = new Dictionary<string, string> { ["sales"] = "555-0111" } }));

        Assert.Contains("TransferTargets['sales'] '555-0111' must be an E.164 number", ex.Message, StringComparison.Ordinal);
    }

    private static ConnectActionCallback Handoff(string handoffData) => new() { SessionStatus = "ended", HandoffData = handoffData };

    private static bool IsHangup(string xml)
        => XDocument.Parse(xml).Root!.Elements().Select(e => e.Name.LocalName).SequenceEqual(["Hangup"]);

    private static XElement Dial(string xml)
    {
        var root = XDocument.Parse(xml).Root!;
        Assert.Equal("Response", root.Name.LocalName);
        return Assert.Single(root.Elements("Dial"));
    }
}
