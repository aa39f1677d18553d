using System.Diagnostics;
using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using VoiceAgent.Emulators.Audio;
using VoiceAgent.Emulators.Vonage;
using VoiceAgent.Tests.EmulatorsTests.TestServer;
using VoiceAgent.Tests.TestSupport;
using Xunit.Abstractions;

namespace VoiceAgent.Tests.EmulatorsTests.Vonage;

/// <summary>What the emulated Vonage puts on the wire: connected frame, audio frames, DTMF, close.</summary>
public class VonageCallerWireTests(ITestOutputHelper output) : VonageTestBase
{
    [Fact]
    public async Task Connected_frame_flattens_the_headers_exactly_as_the_fixture_then_silence_follows()
    {
        var (caller, server) = await ConnectAsync(new VonageCallerOptions
        {
            Headers = new Dictionary<string, JsonNode?> { ["tenantId"] = "acme", ["callerId"] = "447700900123" },
        });
        await using var call = caller;

        var connected = await server.ReadAsync(Timeout).DefaultTimeout();
        var audio = await server.ReadAsync(Timeout).DefaultTimeout();

        Assert.Equal("""{"event":"websocket:connected","content-type":"audio/l16;rate=16000","tenantId":"acme","callerId":"447700900123"}""", connected.Text);
        Assert.Equal(WebSocketMessageType.Binary, audio.Type);
        Assert.Equal(new byte[640], audio.Data);
        Assert.False(server.Headers.ContainsKey("X-Twilio-Signature"));
    }

    [Fact]
    public async Task Headers_of_any_json_type_are_flattened_to_the_top_level()
    {
        var (caller, server) = await ConnectAsync(new VonageCallerOptions
        {
            Headers = new Dictionary<string, JsonNode?>
            {
                ["count"] = 3,
                ["vip"] = true,
                ["customer"] = new JsonObject { ["id"] = "c-1", ["tags"] = new JsonArray("a", "b") },
                ["phone"] = "+447700900123",
            },
        });
        await using var call = caller;

        var connected = await server.ReadAsync(Timeout).DefaultTimeout();
        var json = connected.Json;

        Assert.Equal(3, json.GetProperty("count").GetInt32());
        Assert.Equal(JsonValueKind.True, json.GetProperty("vip").ValueKind);
        Assert.Equal("b", json.GetProperty("customer").GetProperty("tags")[1].GetString());
        Assert.Contains("\"phone\":\"+447700900123\"", connected.Text, StringComparison.Ordinal); // not \u002B
        Assert.False(json.TryGetProperty("headers", out var _));
    }

    [Fact]
    public async Task An_8_kHz_leg_announces_its_rate_and_sends_320_byte_frames()
    {
        var (caller, server) = await ConnectAsync(new VonageCallerOptions { SampleRate = 8000 });
        await using var call = caller;

        var connected = await server.ReadAsync(Timeout).DefaultTimeout();
        var frames = await ReadAudioAsync(server, 3);

        Assert.Equal("audio/l16;rate=8000", connected.Json.GetProperty("content-type").GetString());
        Assert.All(frames, f => Assert.Equal(320, f.Data.Length));
    }

    [Fact]
    public async Task Audio_frames_arrive_every_20_ms_on_absolute_deadlines()
    {
        var (caller, server) = await ConnectAsync();
        await using var call = caller;

        var frames = await ReadAudioAsync(server, 200);
        var measured = frames[50..];
        var intervals = Intervals.Of(measured.Select(f => f.ReceivedAt).ToList());
        // Frame k (0-based, contiguous while idle) is due at stream start + (k + 1) × 20 ms.
        var lateness = measured.Select((f, i) => Stopwatch.GetElapsedTime(caller.StartTimestamp, f.ReceivedAt).TotalMilliseconds - (i + 51) * 20.0).ToArray();
        output.WriteLine($"Vonage audio pacing at the server: {intervals}");
        output.WriteLine($"lateness vs deadline: min {lateness.Min():F2} ms, mean {lateness.Average():F2}, max {lateness.Max():F2}, min over the second half {lateness[75..].Min():F2}");

        Assert.All(frames, f => Assert.Equal(FrameBytes, f.Data.Length));
        Assert.All(lateness, late => Assert.True(late > -1, $"a frame went out {-late:F2} ms before its deadline"));
        Assert.True(lateness[75..].Min() >= 0, $"{lateness[75..].Min()} is earlier than 0"); // wall-clock upper bounds are the bench's job, not a test's
        Assert.True(intervals.Average >= 14.0, $"{intervals.Average} is earlier than 14.0"); // wall-clock upper bounds are the bench's job, not a test's
    }

    [Fact]
    public async Task Played_pcm_goes_out_in_640_byte_frames_with_the_last_padded_by_silence()
    {
        var (caller, server) = await ConnectAsync();
        await using var call = caller;
        var speech = Enumerable.Range(0, 1000).Select(i => (byte)(i % 250 + 1)).ToArray();

        var playing = caller.PlayAsync(speech, Timeout);
        var first = await server.ReadUntilAsync(m => m.Type == WebSocketMessageType.Binary && m.Data[0] != 0, Timeout).DefaultTimeout();
        var rest = await ReadAudioAsync(server, 2);
        await playing.DefaultTimeout();

        Assert.Equal(speech[..640], first.Data);
        Assert.Equal([.. speech[640..], .. new byte[280]], rest[0].Data);
        Assert.Equal(new byte[640], rest[1].Data);
        Assert.Throws<ArgumentException>(() => { _ = caller.PlayAsync(new byte[3], Timeout); });
    }

    [Fact]
    public async Task PlayWav_converts_a_mulaw_8k_file_to_16_kHz_pcm()
    {
        var tone = TestSignals.Sine(500, 8000, TimeSpan.FromMilliseconds(400), 9000);
        var path = Path.Combine(Path.GetTempPath(), $"voiceagent-vonage-{Guid.NewGuid():N}.wav");
        await File.WriteAllBytesAsync(path, TestSignals.Wav(MuLawCodec.Encode(tone), 7, 1, 8000, 8), Timeout).DefaultTimeout();
        try
        {
            var expected = (await WavReader.ReadAsync(path, Timeout).DefaultTimeout()).ToPcm16(16000);
            var (caller, server) = await ConnectAsync();
            await using var call = caller;

            await caller.PlayWavAsync(path, Timeout).DefaultTimeout();
            await caller.HangUpAsync(Timeout).DefaultTimeout();
            await server.Closed.DefaultTimeout();
            var line = new MemoryStream();
            while (server.TryRead(out var message))
                if (message.Type == WebSocketMessageType.Binary) line.Write(message.Data);

            var sent = line.ToArray();
            Assert.Equal(12800, expected.Length);
            Assert.Contains(Enumerable.Range(0, sent.Length / FrameBytes), frame =>
                sent.Length - frame * FrameBytes >= expected.Length && sent.AsSpan(frame * FrameBytes, expected.Length).SequenceEqual(expected));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Dtmf_matches_the_fixture()
    {
        var (caller, server) = await ConnectAsync();
        await using var call = caller;

        await caller.SendDtmfAsync('5', cancellationToken: Timeout).DefaultTimeout();
        var dtmf = await ReadEventAsync(server, "websocket:dtmf");

        Assert.Equal("""{"event":"websocket:dtmf","digit":"5","duration":260}""", dtmf.Text);
    }

    [Fact]
    public async Task Hanging_up_closes_the_socket_normally()
    {
        var (caller, server) = await ConnectAsync();
        await using (caller)
        {
            await ReadAudioAsync(server, 2);
            await caller.HangUpAsync(Timeout).DefaultTimeout();
        }

        await server.Closed.DefaultTimeout();
        Assert.Equal(WebSocketCloseStatus.NormalClosure, server.CloseStatus);
        Assert.False(caller.ClosedByServer);
        await Assert.ThrowsAsync<InvalidOperationException>(() => caller.SendDtmfAsync('1', cancellationToken: Timeout)).DefaultTimeout();
    }

    [Fact]
    public async Task Invalid_options_are_refused_listing_every_problem()
    {
        var options = new VonageCallerOptions
        {
            SampleRate = 44100,
            Headers = new Dictionary<string, JsonNode?> { ["event"] = "x", ["blob"] = new string('y', 600) },
        };

        var error = await Assert.ThrowsAsync<ArgumentException>(() => VonageCaller.ConnectAsync(Server.Url("/vonage/socket"), options, Timeout)).DefaultTimeout();
        Assert.Contains("SampleRate", error.Message, StringComparison.Ordinal);
        Assert.Contains("'event'", error.Message, StringComparison.Ordinal);
        Assert.Contains("512", error.Message, StringComparison.Ordinal);
    }
}
