using VoiceAgent.Telephony.Twilio.TwiML;

namespace VoiceAgent.Tests.Telephony.Twilio.TwiML;

public sealed class WebSocketUrlTests
{
    [Theory]
    [InlineData("https://voice.example.com", "/ws/relay", "wss://voice.example.com/ws/relay")]
    [InlineData("https://voice.example.com/", "/ws/relay", "wss://voice.example.com/ws/relay")]
    [InlineData("http://127.0.0.1:8080", "/ws/media", "ws://127.0.0.1:8080/ws/media")]
    [InlineData("https://voice.example.com:8443/agent/", "/ws/relay", "wss://voice.example.com:8443/agent/ws/relay")]
    [InlineData("https://voice.example.com:443", "/ws/relay", "wss://voice.example.com/ws/relay")]
    public void PublicBaseMapsToWebSocketScheme(string publicBase, string path, string expected)
        => Assert.Equal(expected, WebSocketUrl.FromPublicBase(new Uri(publicBase), path).AbsoluteUri);

    [Fact]
    public void NonHttpPublicBaseIsRejected()
        => Assert.Throws<ArgumentException>(() => WebSocketUrl.FromPublicBase(new Uri("ftp://voice.example.com"), "/ws/relay"));

    [Fact]
    public void PathWithoutLeadingSlashIsRejected()
        => Assert.Throws<ArgumentException>(() => WebSocketUrl.FromPublicBase(new Uri("https://voice.example.com"), "ws/relay"));

    [Fact]
    public void PathWithQueryIsRejected()
        => Assert.Throws<ArgumentException>(() => WebSocketUrl.FromPublicBase(new Uri("https://voice.example.com"), "/ws/relay?x=1"));
}
