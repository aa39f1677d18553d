using System.Text.Json;
using VoiceAgent.Telephony.Vonage.Ncco;

namespace VoiceAgent.Tests.Telephony.Vonage.Ncco;

public sealed class VonageNccoTests
{
    private static readonly Uri SocketUrl = new("wss://voice.example.com/ws/vonage");

    [Fact]
    public void ConnectActionMatchesTheDocumentedShape()
    {
        var json = VonageNcco.ConnectWebSocket(SocketUrl, headers: new Dictionary<string, string> { ["tenantId"] = "acme", ["callSecret"] = "s3cr3t" },
            eventUrl: new Uri("https://voice.example.com/vonage/events"));

        using var document = JsonDocument.Parse(json);
        var action = Assert.Single(document.RootElement.EnumerateArray());
        Assert.Equal("connect", action.GetProperty("action").GetString());
        Assert.Equal("synchronous", action.GetProperty("eventType").GetString());
        Assert.Equal(["https://voice.example.com/vonage/events"], action.GetProperty("eventUrl").EnumerateArray().Select(e => e.GetString()));
        var endpoint = Assert.Single(action.GetProperty("endpoint").EnumerateArray());
        Assert.Equal("websocket", endpoint.GetProperty("type").GetString());
        Assert.Equal("wss://voice.example.com/ws/vonage", endpoint.GetProperty("uri").GetString());
        Assert.Equal("audio/l16;rate=16000", endpoint.GetProperty("content-type").GetString());
        Assert.Equal("acme", endpoint.GetProperty("headers").GetProperty("tenantId").GetString());
        Assert.Equal("s3cr3t", endpoint.GetProperty("headers").GetProperty("callSecret").GetString());
    }

    [Fact]
    public void WithoutEventUrlOrHeadersThoseFieldsAreAbsent()
    {
        using var document = JsonDocument.Parse(VonageNcco.ConnectWebSocket(SocketUrl));
        var action = document.RootElement[0];

        Assert.Equal(["action", "endpoint"], action.EnumerateObject().Select(p => p.Name));
        Assert.Equal(["type", "uri", "content-type"], action.GetProperty("endpoint")[0].EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public void HeaderValuesAreJsonEscaped()
    {
        const string tricky = "\"}],\"action\":\"record";
        using var document = JsonDocument.Parse(VonageNcco.ConnectWebSocket(SocketUrl, headers: new Dictionary<string, string> { ["note"] = tricky }));

        Assert.Equal(tricky, document.RootElement[0].GetProperty("endpoint")[0].GetProperty("headers").GetProperty("note").GetString());
        Assert.Equal(1, document.RootElement.GetArrayLength());
    }

    [Fact]
    public void EightKilohertzContentTypeIsAccepted()
    {
        using var document = JsonDocument.Parse(VonageNcco.ConnectWebSocket(SocketUrl, "audio/l16;rate=8000"));

        Assert.Equal("audio/l16;rate=8000", document.RootElement[0].GetProperty("endpoint")[0].GetProperty("content-type").GetString());
    }

    [Fact]
    public void UnsupportedContentTypeIsRejected()
    {
        var ex = Assert.Throws<ArgumentException>(() => VonageNcco.ConnectWebSocket(SocketUrl, "audio/mulaw"));

        Assert.Contains("audio/l16;rate=16000", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HttpsSocketUrlIsRejected()
        => Assert.Throws<ArgumentException>(() => VonageNcco.ConnectWebSocket(new Uri("https://voice.example.com/ws/vonage")));

    [Fact]
    public void HeadersOver512BytesAreRejected()
    {
        var ex = Assert.Throws<ArgumentException>(() => VonageNcco.ConnectWebSocket(SocketUrl, headers: new Dictionary<string, string> { ["blob"] = new string('x', 510) }));

        Assert.Contains("512 bytes", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RelativeEventUrlIsRejected()
        => Assert.Throws<ArgumentException>(() => VonageNcco.ConnectWebSocket(SocketUrl, eventUrl: new Uri("/events", UriKind.Relative)));
}
