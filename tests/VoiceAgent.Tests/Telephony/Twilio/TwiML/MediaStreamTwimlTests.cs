using System.Xml.Linq;
using VoiceAgent.Telephony.Twilio.TwiML;

namespace VoiceAgent.Tests.Telephony.Twilio.TwiML;

public sealed class MediaStreamTwimlTests
{
    private static readonly Uri MediaUrl = new("wss://voice.example.com/ws/media");

    [Fact]
    public void MinimalStreamHasOnlyUrlAndConnectHasNoAction()
    {
        var connect = XDocument.Parse(MediaStreamTwiml.Build(new MediaStreamTwimlOptions { Url = MediaUrl })).Root!.Element("Connect")!;

        Assert.Empty(connect.Attributes());
        var stream = Assert.Single(connect.Elements());
        Assert.Equal("Stream", stream.Name.LocalName);
        Assert.Equal("wss://voice.example.com/ws/media", (string?)Assert.Single(stream.Attributes()));
    }

    [Fact]
    public void OptionalAttributesAndParametersAreWritten()
    {
        var connect = XDocument.Parse(MediaStreamTwiml.Build(new MediaStreamTwimlOptions
        {
            Url = MediaUrl,
            ActionUrl = new Uri("https://voice.example.com/twiml/stream-ended"),
            Name = "agent-leg",
            StatusCallback = new Uri("https://voice.example.com/twiml/stream-status"),
            Parameters = new Dictionary<string, string> { ["tenantId"] = "acme & co" },
        })).Root!.Element("Connect")!;
        var stream = connect.Element("Stream")!;

        Assert.Equal("https://voice.example.com/twiml/stream-ended", (string?)connect.Attribute("action"));
        Assert.Equal("POST", (string?)connect.Attribute("method"));
        Assert.Equal("agent-leg", (string?)stream.Attribute("name"));
        Assert.Equal("https://voice.example.com/twiml/stream-status", (string?)stream.Attribute("statusCallback"));
        Assert.Equal("POST", (string?)stream.Attribute("statusCallbackMethod"));
        var parameter = Assert.Single(stream.Elements("Parameter"));
        Assert.Equal("tenantId", (string?)parameter.Attribute("name"));
        Assert.Equal("acme & co", (string?)parameter.Attribute("value"));
    }

    [Fact]
    public void UrlWithQueryStringIsRejectedPointingToParameters()
    {
        var ex = Assert.Throws<ArgumentException>(() => MediaStreamTwiml.Build(new MediaStreamTwimlOptions { Url = new Uri("wss://voice.example.com/ws/media?token=x") }));

        Assert.Contains("must not have a query string", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Parameters", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HttpUrlIsRejected()
        => Assert.Throws<ArgumentException>(() => MediaStreamTwiml.Build(new MediaStreamTwimlOptions { Url = new Uri("http://voice.example.com/ws/media") }));

    [Fact]
    public void ParameterUnder500CharactersIsAccepted()
    {
        var xml = MediaStreamTwiml.Build(new MediaStreamTwimlOptions { Url = MediaUrl, Parameters = new Dictionary<string, string> { ["k"] = new string('v', 498) } });

        Assert.Equal(498, ((string?)XDocument.Parse(xml).Descendants("Parameter").Single().Attribute("value"))?.Length);
    }

    [Fact]
    public void ParameterOf500CharactersIsRejected()
        => Assert.Throws<ArgumentException>(() => MediaStreamTwiml.Build(new MediaStreamTwimlOptions { Url = MediaUrl, Parameters = new Dictionary<string, string> { ["k"] = new string('v', 499) } }));

    [Fact]
    public void BlankParameterNameIsRejected()
        => Assert.Throws<ArgumentException>(() => MediaStreamTwiml.Build(new MediaStreamTwimlOptions { Url = MediaUrl, Parameters = new Dictionary<string, string> { [" "] = "v" } }));

    [Fact]
    public void RelativeStatusCallbackIsRejected()
        => Assert.Throws<ArgumentException>(() => MediaStreamTwiml.Build(new MediaStreamTwimlOptions { Url = MediaUrl, StatusCallback = new Uri("/status", UriKind.Relative) }));
}
