using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using VoiceAgent.Emulators.Deepgram;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.Providers.Deepgram;

/// <summary>The emulator's own wire behaviour, driven by a bare WebSocket client.</summary>
public sealed class DeepgramEmulatorTests : DeepgramEmulatorTestBase
{
    private const string Query = "/v1/listen?model=nova-3&encoding=mulaw&sample_rate=8000&interim_results=true&vad_events=true";

    protected override DeepgramEmulator CreateEmulator() => new() { IdleTimeout = TimeSpan.FromSeconds(1) };

    [Fact]
    public async Task MissingAuthorizationIsRejectedWith401AndDgError()
    {
        using var socket = NewSocket(authorization: null);

        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(Url(), TestTimeout).DefaultTimeout());

        Assert.Equal(401, (int)socket.HttpStatusCode);
        Assert.Equal("Invalid credentials.", Header(socket, "dg-error"));
        Assert.NotNull(Header(socket, "dg-request-id"));
        Assert.Equal(1, Emulator.UpgradesRejected);
    }

    [Theory]
    [InlineData("Token wrong-key")]
    [InlineData("Bearer " + DeepgramEmulator.DefaultApiKey)]
    public async Task WrongAuthorizationIsRejectedWith401(string authorization)
    {
        using var socket = NewSocket(authorization);

        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(Url(), TestTimeout).DefaultTimeout());

        Assert.Equal(401, (int)socket.HttpStatusCode);
    }

    [Theory]
    [InlineData(429)]
    [InlineData(500)]
    public async Task RejectNextUpgradeRefusesOnceWithThatStatus(int status)
    {
        Emulator.RejectNextUpgrade(status);
        using var rejected = NewSocket();
        using var accepted = NewSocket();

        await Assert.ThrowsAsync<WebSocketException>(() => rejected.ConnectAsync(Url(), TestTimeout).DefaultTimeout());
        await accepted.ConnectAsync(Url(), TestTimeout).DefaultTimeout();

        Assert.Equal(status, (int)rejected.HttpStatusCode);
        Assert.NotNull(Header(rejected, "dg-error"));
        Assert.Equal(1, Emulator.ConnectionsAccepted);
    }

    [Fact]
    public async Task UnsupportedEncodingIsRejectedWith400()
    {
        using var socket = NewSocket();

        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(Url("/v1/listen?encoding=opus&sample_rate=48000"), TestTimeout).DefaultTimeout());

        Assert.Equal(400, (int)socket.HttpStatusCode);
        Assert.Contains("mulaw", Header(socket, "dg-error"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EmptyBinaryFrameClosesWithDataError()
    {
        using var socket = await ConnectRawAsync();

        await socket.SendAsync(ReadOnlyMemory<byte>.Empty, WebSocketMessageType.Binary, true, TestTimeout).AsTask().DefaultTimeout();

        var (status, description) = await ReceiveCloseAsync(socket);
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, status);
        Assert.Equal("DATA-0000", description);
    }

    [Fact]
    public async Task IdleSocketClosesWithNet0001()
    {
        using var socket = await ConnectRawAsync();

        var (status, description) = await ReceiveCloseAsync(socket);

        Assert.Equal(WebSocketCloseStatus.InternalServerError, status);
        Assert.Equal("NET-0001", description);
    }

    [Fact]
    public async Task CloseStreamSendsMetadataThenCloses1000()
    {
        using var socket = await ConnectRawAsync();
        var audio = TestAudio.MuLawSilenceOf(TimeSpan.FromSeconds(0.5));
        await socket.SendAsync(audio, WebSocketMessageType.Binary, true, TestTimeout).DefaultTimeout();

        await SendTextAsync(socket, """{"type":"CloseStream"}""");

        using var metadata = JsonDocument.Parse(await ReceiveTextAsync(socket));
        Assert.Equal("Metadata", metadata.RootElement.GetProperty("type").GetString());
        Assert.Equal(0.5, metadata.RootElement.GetProperty("duration").GetDouble());
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(audio)), metadata.RootElement.GetProperty("sha256").GetString());
        Assert.Equal(Emulator.Connections[0].RequestId, metadata.RootElement.GetProperty("request_id").GetString());
        var (status, _) = await ReceiveCloseAsync(socket);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, status);
        Assert.Equal(1, Emulator.CloseStreamsReceived);
        Assert.Equal(audio.Length, Emulator.Connections[0].AudioBytesReceived);
    }

    [Fact]
    public async Task KeepAliveIsCountedAndNotAnswered()
    {
        using var socket = await ConnectRawAsync();

        await SendTextAsync(socket, """{"type":"KeepAlive"}""");
        await SendTextAsync(socket, """{"type":"Finalize"}""");

        using var reply = JsonDocument.Parse(await ReceiveTextAsync(socket)); // only the Finalize is answered
        Assert.True(reply.RootElement.GetProperty("from_finalize").GetBoolean());
        Assert.Equal(1, Emulator.KeepAlivesReceived);
        Assert.Equal(1, Emulator.Connections[0].KeepAlivesReceived);
    }

    [Fact]
    public async Task ResultLatencyDelaysEveryMessage()
    {
        Emulator.ResultLatency = TimeSpan.FromMilliseconds(400);
        using var socket = await ConnectRawAsync();
        var sentAt = Stopwatch.GetTimestamp();

        await socket.SendAsync(TestAudio.MuLawToneOf(TimeSpan.FromSeconds(0.2)), WebSocketMessageType.Binary, true, TestTimeout).DefaultTimeout();

        using var started = JsonDocument.Parse(await ReceiveTextAsync(socket));
        Assert.Equal("SpeechStarted", started.RootElement.GetProperty("type").GetString());
        Assert.True(Stopwatch.GetElapsedTime(sentAt) >= TimeSpan.FromMilliseconds(390), $"arrived after {Stopwatch.GetElapsedTime(sentAt)}");
    }

    [Fact]
    public async Task DropNextConnectionAfterADelayAbortsWithoutACloseFrame()
    {
        Emulator.DropNextConnectionAfter(TimeSpan.FromMilliseconds(100));
        using var socket = await ConnectRawAsync();

        await Assert.ThrowsAsync<WebSocketException>(() => socket.ReceiveAsync(new byte[1024], TestTimeout).DefaultTimeout());

        Assert.True(Emulator.Connections[0].Aborted);
        Assert.Null(Emulator.Connections[0].ServerCloseStatus);
    }

    [Fact]
    public void MuLawDecoderMatchesG711ReferencePoints()
    {
        Assert.Equal(0, MuLawDecoder.Decode(0xFF));
        Assert.Equal(0, MuLawDecoder.Decode(0x7F));
        Assert.Equal(-32124, MuLawDecoder.Decode(0x00));
        Assert.Equal(32124, MuLawDecoder.Decode(0x80));
        Assert.Equal(-8, MuLawDecoder.Decode(0x7E));
        for (var code = 0; code < 256; code++)
            Assert.Equal((byte)code is 0x7F ? 0xFF : code, TestAudio.MuLawEncode(MuLawDecoder.Decode((byte)code)));
    }

    private Uri Url(string pathAndQuery = Query) => new(Emulator.WebSocketBaseUrl, pathAndQuery);

    private ClientWebSocket NewSocket(string? authorization = "Token " + DeepgramEmulator.DefaultApiKey)
    {
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        if (authorization is not null) socket.Options.SetRequestHeader("Authorization", authorization);
        return socket;
    }

    private async Task<ClientWebSocket> ConnectRawAsync()
    {
        var socket = NewSocket();
        await socket.ConnectAsync(Url(), TestTimeout).DefaultTimeout();
        return socket;
    }

    private static string? Header(ClientWebSocket socket, string name)
        => socket.HttpResponseHeaders?.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value?.FirstOrDefault();

    private Task SendTextAsync(ClientWebSocket socket, string json)
        => socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, true, TestTimeout).DefaultTimeout();

    private async Task<string> ReceiveTextAsync(ClientWebSocket socket)
    {
        var buffer = new byte[64 * 1024];
        var result = await socket.ReceiveAsync(buffer, TestTimeout).DefaultTimeout();
        Assert.Equal(WebSocketMessageType.Text, result.MessageType);
        Assert.True(result.EndOfMessage);
        return Encoding.UTF8.GetString(buffer, 0, result.Count);
    }

    private async Task<(WebSocketCloseStatus? Status, string? Description)> ReceiveCloseAsync(ClientWebSocket socket)
    {
        var buffer = new byte[64 * 1024];
        for (var i = 0; i < 100; i++)
        {
            var result = await socket.ReceiveAsync(buffer, TestTimeout).DefaultTimeout();
            if (result.MessageType != WebSocketMessageType.Close) continue;
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, TestTimeout).DefaultTimeout();
            return (result.CloseStatus, result.CloseStatusDescription);
        }
        throw new InvalidOperationException("No close frame within 100 messages.");
    }
}
