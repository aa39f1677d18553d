using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using VoiceAgent.Emulators.ElevenLabs;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.Providers.ElevenLabs;

/// <summary>The emulator against a raw WebSocket, speaking the protocol fixtures byte for byte.</summary>
public sealed class ElevenLabsEmulatorTests
{
    private static async Task<ClientWebSocket> ConnectAsync(ElevenLabsEmulator emulator, string query, string? headerKey = null)
    {
        var socket = new ClientWebSocket();
        if (headerKey is not null) socket.Options.SetRequestHeader("xi-api-key", headerKey);
        await socket.ConnectAsync(new Uri(emulator.WebSocketBaseUrl, $"/v1/text-to-speech/voice1/stream-input?{query}"), CancellationToken.None).DefaultTimeout();
        return socket;
    }

    private static Task SendAsync(ClientWebSocket socket, string json)
        => socket.SendAsync(Encoding.UTF8.GetBytes(json).AsMemory(), WebSocketMessageType.Text, true, CancellationToken.None).AsTask().DefaultTimeout();

    /// <summary>Server messages until the server closes.</summary>
    private static async Task<List<JsonElement>> ReceiveUntilCloseAsync(ClientWebSocket socket)
    {
        var messages = new List<JsonElement>();
        var buffer = new byte[64 * 1024];
        for (var i = 0; i < 10_000; i++)
        {
            var length = 0;
            ValueWebSocketReceiveResult result;
            do
            {
                result = await socket.ReceiveAsync(buffer.AsMemory(length), CancellationToken.None).AsTask().DefaultTimeout();
                length += result.Count;
            }
            while (!result.EndOfMessage);

            if (result.MessageType == WebSocketMessageType.Close) return messages;
            messages.Add(JsonDocument.Parse(buffer.AsMemory(0, length)).RootElement.Clone());
        }

        throw new InvalidOperationException("The server never closed.");
    }

    [Fact]
    public async Task FixtureTurnWithTheKeyInTheBosGetsAudioThenIsFinalAndClose1000()
    {
        await using var emulator = new ElevenLabsEmulator();
        await emulator.StartAsync().DefaultTimeout();
        using var socket = await ConnectAsync(emulator, "model_id=eleven_flash_v2_5&output_format=ulaw_8000&sync_alignment=true");

        await SendAsync(socket, """{"text":" ","voice_settings":{"stability":0.5,"similarity_boost":0.8,"speed":1.0},"generation_config":{"chunk_length_schedule":[120,160,250,290]},"xi_api_key":"test-key"}""");
        await SendAsync(socket, """{"text":"Our hours are nine to five. ","try_trigger_generation":false}""");
        await SendAsync(socket, """{"text":"Anything else? ","flush":true}""");
        await SendAsync(socket, """{"text":""}""");
        var messages = await ReceiveUntilCloseAsync(socket);
        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None).DefaultTimeout();

        Assert.Equal(WebSocketCloseStatus.NormalClosure, socket.CloseStatus);
        Assert.True(messages[^1].GetProperty("isFinal").GetBoolean());
        var audio = messages[..^1];
        Assert.All(audio, m => Assert.Equal(JsonValueKind.Null, m.GetProperty("isFinal").ValueKind));
        var spoken = string.Concat(audio.SelectMany(m => m.GetProperty("alignment").GetProperty("chars").EnumerateArray().Select(c => c.GetString())));
        Assert.Equal("Our hours are nine to five. Anything else? ", spoken);
        Assert.Equal(spoken.Length * 520, audio.Sum(m => m.GetProperty("audio").GetBytesFromBase64().Length));
        var session = Assert.Single(emulator.Sessions);
        Assert.Equal("test-key", session.Begin!.ApiKeyField);
        Assert.Null(session.ApiKeyHeader);
        Assert.True(session.FlushReceived);
        Assert.True(session.EndOfStreamReceived);
        Assert.True(session.Frames[1].Json.Contains("try_trigger_generation", StringComparison.Ordinal));
    }

    [Fact]
    public async Task KeyWithAHyphenatedBosFieldIsAccepted()
    {
        await using var emulator = new ElevenLabsEmulator();
        await emulator.StartAsync().DefaultTimeout();
        using var socket = await ConnectAsync(emulator, "output_format=pcm_8000");

        await SendAsync(socket, """{"text":" ","xi-api-key":"test-key"}""");
        await SendAsync(socket, """{"text":"Hi. ","flush":true}""");
        await SendAsync(socket, """{"text":""}""");
        var messages = await ReceiveUntilCloseAsync(socket);

        Assert.True(messages[^1].GetProperty("isFinal").GetBoolean());
        Assert.Equal("Hi. ".Length * 520 * 2, messages[..^1].Sum(m => m.GetProperty("audio").GetBytesFromBase64().Length));
        Assert.All(messages[..^1], m => Assert.Equal(JsonValueKind.Null, m.GetProperty("alignment").ValueKind));
    }

    [Fact]
    public async Task MissingKeyGetsAnErrorFrameAndClose1008()
    {
        await using var emulator = new ElevenLabsEmulator();
        await emulator.StartAsync().DefaultTimeout();
        using var socket = await ConnectAsync(emulator, "output_format=ulaw_8000");

        await SendAsync(socket, """{"text":" "}""");
        var messages = await ReceiveUntilCloseAsync(socket);

        var error = Assert.Single(messages);
        Assert.Equal("invalid_api_key", error.GetProperty("error").GetString());
        Assert.Equal(1008, error.GetProperty("code").GetInt32());
        Assert.False(error.TryGetProperty("audio", out _));
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, socket.CloseStatus);
    }

    [Fact]
    public async Task AFirstMessageThatIsNotABosGetsAnErrorFrameAndClose1008()
    {
        await using var emulator = new ElevenLabsEmulator();
        await emulator.StartAsync().DefaultTimeout();
        using var socket = await ConnectAsync(emulator, "output_format=ulaw_8000", headerKey: "test-key");

        await SendAsync(socket, """{"text":"Hello there. "}""");
        var messages = await ReceiveUntilCloseAsync(socket);

        Assert.Equal("invalid_input_message", Assert.Single(messages).GetProperty("error").GetString());
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, socket.CloseStatus);
        Assert.Equal(ElevenLabsEmulatorFrameKind.Invalid, emulator.Sessions[0].Frames[0].Kind);
    }

    [Fact]
    public async Task TextIsGeneratedOnlyOnceTheScheduleThresholdIsCrossed()
    {
        await using var emulator = new ElevenLabsEmulator();
        await emulator.StartAsync().DefaultTimeout();
        using var socket = await ConnectAsync(emulator, "output_format=ulaw_8000", headerKey: "test-key");
        var session = await emulator.WaitForSessionAsync(CancellationToken.None).DefaultTimeout();

        await SendAsync(socket, """{"text":" ","generation_config":{"chunk_length_schedule":[50]}}""");
        await SendAsync(socket, """{"text":"Twenty characters.. "}""");
        await SendAsync(socket, """{"text":"Forty characters now. "}""");
        await session.WaitForFrameAsync(f => f.Text == "Forty characters now. ", CancellationToken.None).DefaultTimeout();
        Assert.Empty(session.Generations);

        await SendAsync(socket, """{"text":"And past fifty, then "}""");
        await session.WaitForFrameAsync(f => f.Text == "And past fifty, then ", CancellationToken.None).DefaultTimeout();
        await SendAsync(socket, """{"text":"the rest."}""");
        await SendAsync(socket, """{"text":""}""");
        await ReceiveUntilCloseAsync(socket);

        Assert.Equal(["Twenty characters.. Forty characters now. And past fifty, then ", "the rest."], session.Generations);
    }

    [Fact]
    public async Task UnsupportedOutputFormatGetsAnErrorFrame()
    {
        await using var emulator = new ElevenLabsEmulator();
        await emulator.StartAsync().DefaultTimeout();
        using var socket = await ConnectAsync(emulator, "output_format=mp3_44100_128", headerKey: "test-key");

        var messages = await ReceiveUntilCloseAsync(socket);

        Assert.Equal("unsupported_output_format", Assert.Single(messages).GetProperty("error").GetString());
    }

    [Fact]
    public async Task FirstAudioWaitsForTheConfiguredDelay()
    {
        var delay = TimeSpan.FromMilliseconds(300);
        await using var emulator = new ElevenLabsEmulator(new ElevenLabsEmulatorBehavior { FirstAudioDelay = delay });
        await emulator.StartAsync().DefaultTimeout();
        using var socket = await ConnectAsync(emulator, "output_format=ulaw_8000", headerKey: "test-key");
        var session = await emulator.WaitForSessionAsync(CancellationToken.None).DefaultTimeout();

        await SendAsync(socket, """{"text":" "}""");
        await SendAsync(socket, """{"text":"Hello. ","flush":true}""");
        await SendAsync(socket, """{"text":""}""");
        await ReceiveUntilCloseAsync(socket);

        var flushAt = session.Frames.Single(f => f.Flush).ReceivedAt;
        Assert.True(emulator.Clock.GetElapsedTime(flushAt, session.FirstAudioSentAt) >= delay - TimeSpan.FromMilliseconds(20));
    }
}
