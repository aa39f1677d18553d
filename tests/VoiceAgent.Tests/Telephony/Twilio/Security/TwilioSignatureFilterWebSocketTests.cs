using System.Net;
using System.Net.WebSockets;
using System.Text;
using VoiceAgent.Emulators.Twilio;
using VoiceAgent.Telephony.Twilio.Security;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.Telephony.Twilio.Security;

public sealed class TwilioSignatureFilterWebSocketTests
{
    private const string PublicRelayUrl = "wss://voice.example.com/ws/relay";
    private static readonly TwilioRequestSigner Twilio = new(SignedEndpointHost.AuthToken);

    [Fact]
    public async Task UpgradeSignedAgainstTheWssUrlIsAcceptedWith101()
    {
        await using var host = await SignedEndpointHost.StartAsync(SignedEndpointHost.DefaultOptions).DefaultTimeout();
        using var socket = NewClient(Twilio.SignWebSocketUpgrade(PublicRelayUrl));

        await socket.ConnectAsync(host.LocalWebSocketUrl("/ws/relay"), CancellationToken.None).DefaultTimeout();

        Assert.Equal(HttpStatusCode.SwitchingProtocols, socket.HttpStatusCode);
        Assert.Equal("hello", await ReceiveTextAsync(socket).DefaultTimeout());
        Assert.Equal(1, host.SocketsAccepted);
    }

    [Fact]
    public async Task UpgradeWithQuerySignedUnderTheQueryAsParametersRuleIsAccepted()
    {
        await using var host = await SignedEndpointHost.StartAsync(SignedEndpointHost.DefaultOptions).DefaultTimeout();
        using var socket = NewClient(Twilio.Sign(PublicRelayUrl, [new("tenant", "acme co")]));

        await socket.ConnectAsync(host.LocalWebSocketUrl("/ws/relay?tenant=acme%20co"), CancellationToken.None).DefaultTimeout();

        Assert.Equal(HttpStatusCode.SwitchingProtocols, socket.HttpStatusCode);
    }

    [Fact]
    public async Task ForgedUpgradeGets403AndNoSocket()
    {
        await using var host = await SignedEndpointHost.StartAsync(SignedEndpointHost.DefaultOptions).DefaultTimeout();
        using var socket = NewClient(new TwilioRequestSigner("guessed-token").SignWebSocketUpgrade(PublicRelayUrl));

        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(host.LocalWebSocketUrl("/ws/relay"), CancellationToken.None)).DefaultTimeout();

        Assert.Equal(HttpStatusCode.Forbidden, socket.HttpStatusCode);
        Assert.Equal(0, host.SocketsAccepted);
    }

    [Fact]
    public async Task UpgradeSignedAgainstTheHttpsUrlGets403()
    {
        await using var host = await SignedEndpointHost.StartAsync(SignedEndpointHost.DefaultOptions).DefaultTimeout();
        using var socket = NewClient(Twilio.Sign("https://voice.example.com/ws/relay"));

        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(host.LocalWebSocketUrl("/ws/relay"), CancellationToken.None)).DefaultTimeout();

        Assert.Equal(HttpStatusCode.Forbidden, socket.HttpStatusCode);
        Assert.Equal(0, host.SocketsAccepted);
    }

    [Fact]
    public async Task UpgradeWithoutSignatureGets403AndNoSocket()
    {
        await using var host = await SignedEndpointHost.StartAsync(SignedEndpointHost.DefaultOptions).DefaultTimeout();
        using var socket = NewClient(signature: null);

        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(host.LocalWebSocketUrl("/ws/relay"), CancellationToken.None)).DefaultTimeout();

        Assert.Equal(HttpStatusCode.Forbidden, socket.HttpStatusCode);
        Assert.Equal(0, host.SocketsAccepted);
    }

    [Fact]
    public async Task UpgradeIsRejectedWhenNoAuthTokenIsConfigured()
    {
        await using var host = await SignedEndpointHost.StartAsync(SignedEndpointHost.DefaultOptions with { AuthToken = null }).DefaultTimeout();
        using var socket = NewClient(Twilio.SignWebSocketUpgrade(PublicRelayUrl));

        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(host.LocalWebSocketUrl("/ws/relay"), CancellationToken.None)).DefaultTimeout();

        Assert.Equal(HttpStatusCode.Forbidden, socket.HttpStatusCode);
        Assert.Equal(0, host.SocketsAccepted);
    }

    [Fact]
    public async Task UpgradeUrlFollowsAnHttpPublicBaseAsWs()
    {
        var options = SignedEndpointHost.DefaultOptions with { PublicBaseUrl = new Uri("http://127.0.0.1:8080") };
        await using var host = await SignedEndpointHost.StartAsync(options).DefaultTimeout();
        using var socket = NewClient(Twilio.SignWebSocketUpgrade("ws://127.0.0.1:8080/ws/relay"));

        await socket.ConnectAsync(host.LocalWebSocketUrl("/ws/relay"), CancellationToken.None).DefaultTimeout();

        Assert.Equal(HttpStatusCode.SwitchingProtocols, socket.HttpStatusCode);
    }

    private static ClientWebSocket NewClient(string? signature)
    {
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        if (signature is not null) socket.Options.SetRequestHeader(TwilioSignature.HeaderName, signature);
        return socket;
    }

    private static async Task<string> ReceiveTextAsync(ClientWebSocket socket)
    {
        var buffer = new byte[256];
        var result = await socket.ReceiveAsync(buffer, CancellationToken.None);
        return Encoding.UTF8.GetString(buffer, 0, result.Count);
    }
}
