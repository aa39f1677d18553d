using System.Diagnostics;
using System.Net.WebSockets;
using System.Text.Json;
using VoiceAgent.Emulators.Audio;
using VoiceAgent.Emulators.Vonage;
using VoiceAgent.Tests.EmulatorsTests.TestServer;
using VoiceAgent.Tests.TestSupport;
using Xunit.Abstractions;

namespace VoiceAgent.Tests.EmulatorsTests.Vonage;

/// <summary>How the emulated Vonage plays the server's audio: real time, notify, clear, invalid messages, echo.</summary>
public class VonageCallerPlayoutTests(ITestOutputHelper output) : VonageTestBase
{
    private static readonly short[] ToneSamples = TestSignals.Sine(1000, 16000, TimeSpan.FromSeconds(1), 8000);

    private static byte[] Tone(TimeSpan duration) => Pcm16.ToBytes(ToneSamples.AsSpan(0, (int)(16000 * duration.TotalSeconds)));

    private static Func<JsonElement, bool> ReplyId(string id) => p => p.TryGetProperty("reply_id", out var r) && r.GetString() == id;

    [Fact]
    public async Task Notify_is_answered_with_the_same_payload_once_the_audio_before_it_has_played()
    {
        var (caller, server) = await ConnectAsync();
        await using var call = caller;
        var audio = Tone(TimeSpan.FromMilliseconds(500));

        var sentAt = Stopwatch.GetTimestamp();
        await SendAudioAsync(server, audio);
        await server.SendTextAsync("""{"action":"notify","payload":{"reply_id":"turn-7"}}""", Timeout).DefaultTimeout();
        var answer = await ReadEventAsync(server, "websocket:notify");
        var echo = await caller.WaitForNotifyAsync(ReplyId("turn-7"), Timeout).DefaultTimeout();

        var playout = echo.EchoedAt - caller.OutboundAudio.FirstReceivedAt!.Value;
        output.WriteLine($"notify answered {playout.TotalMilliseconds:F1} ms after the first audio arrived; server waited {Stopwatch.GetElapsedTime(sentAt, answer.ReceivedAt).TotalMilliseconds:F1} ms");
        Assert.Equal("""{"event":"websocket:notify","payload":{"reply_id":"turn-7"}}""", answer.Text);
        Assert.True(playout.TotalMilliseconds >= 500, $"{playout.TotalMilliseconds} is earlier than 500"); // wall-clock upper bounds are the bench's job, not a test's
        Assert.True(Stopwatch.GetElapsedTime(sentAt, answer.ReceivedAt).TotalMilliseconds >= 500);
        Assert.False(echo.DueToClear);
        Assert.Equal(audio, caller.GetHeardAudio());
        Assert.Equal(25, caller.OutboundAudio.Messages);
    }

    [Fact]
    public async Task Clear_empties_the_buffer_is_acknowledged_and_drops_pending_notifies()
    {
        var (caller, server) = await ConnectAsync();
        await using var call = caller;
        await SendAudioAsync(server, Tone(TimeSpan.FromSeconds(1)));
        await SendAudioAsync(server, Tone(TimeSpan.FromSeconds(1)));
        await server.SendTextAsync("""{"action":"notify","payload":{"reply_id":"turn-7"}}""", Timeout).DefaultTimeout();
        await caller.WaitForHeardAudioAsync(6400, Timeout).DefaultTimeout(); // 200 ms in, the caller barges in

        await server.SendTextAsync("""{"action":"clear"}""", Timeout).DefaultTimeout();
        var cleared = await server.ReadUntilAsync(m => m.Type == WebSocketMessageType.Text && m.Event != "websocket:connected", Timeout).DefaultTimeout();
        var clear = await caller.WaitForClearAsync(Timeout).DefaultTimeout();

        Assert.Equal("""{"event":"websocket:cleared"}""", cleared.Text);
        Assert.False(clear.NotifiesEchoed);
        Assert.True(ReplyId("turn-7")(Assert.Single(clear.Notifies)));
        Assert.Empty(caller.NotifyEchoes);
        Assert.Equal(64000, clear.DiscardedBytes + caller.HeardBytes);
        Assert.Equal(0, caller.BufferedBytes);

        await server.SendTextAsync("""{"action":"notify","payload":{"reply_id":"turn-8"}}""", Timeout).DefaultTimeout();
        var next = await caller.WaitForNotifyAsync(ReplyId("turn-8"), Timeout).DefaultTimeout();
        Assert.False(next.DueToClear);
        Assert.True(next.EchoedAt >= next.ReceivedAt, "a notify was answered before it arrived");
        Assert.Single(caller.NotifyEchoes);
    }

    [Fact]
    public async Task Pending_notifies_can_be_echoed_on_clear_before_the_acknowledgement()
    {
        var (caller, server) = await ConnectAsync(new VonageCallerOptions { EchoPendingNotifiesOnClear = true });
        await using var call = caller;
        await SendAudioAsync(server, Tone(TimeSpan.FromSeconds(1)));
        await server.SendTextAsync("""{"action":"notify","payload":{"reply_id":"turn-7"}}""", Timeout).DefaultTimeout();
        await caller.WaitForHeardAudioAsync(3200, Timeout).DefaultTimeout();

        await server.SendTextAsync("""{"action":"clear"}""", Timeout).DefaultTimeout();
        var first = await server.ReadUntilAsync(m => m.Type == WebSocketMessageType.Text && m.Event != "websocket:connected", Timeout).DefaultTimeout();
        var second = await server.ReadUntilAsync(m => m.Type == WebSocketMessageType.Text, Timeout).DefaultTimeout();

        var clear = await caller.WaitForClearAsync(Timeout).DefaultTimeout();

        Assert.Equal("""{"event":"websocket:notify","payload":{"reply_id":"turn-7"}}""", first.Text);
        Assert.Equal("""{"event":"websocket:cleared"}""", second.Text);
        Assert.True(Assert.Single(caller.NotifyEchoes).DueToClear);
        Assert.True(clear.NotifiesEchoed);
    }

    [Fact]
    public async Task Wrong_sized_audio_and_bad_commands_are_recorded_and_ignored()
    {
        var (caller, server) = await ConnectAsync();
        await using var call = caller;

        await server.SendBinaryAsync(new byte[100], Timeout).DefaultTimeout();
        await server.SendBinaryAsync(new byte[1280], Timeout).DefaultTimeout();
        string[] commands =
        [
            """{"action":"dance"}""",
            """{"action":"notify"}""",
            """{"action":"notify","payload":"turn-7"}""",
            """{"event":"clearAudio"}""",
            "nope",
        ];
        foreach (var command in commands) await server.SendTextAsync(command, Timeout).DefaultTimeout();
        await server.SendTextAsync("""{"action":"notify","payload":{"sync":true}}""", Timeout).DefaultTimeout();
        await caller.WaitForNotifyAsync(p => p.TryGetProperty("sync", out _), Timeout).DefaultTimeout();

        var reasons = caller.InvalidFrames.Select(f => f.Reason).ToList();
        output.WriteLine(string.Join(Environment.NewLine, reasons));
        Assert.Equal(7, reasons.Count);
        Assert.StartsWith("audio message of 100 bytes; Vonage needs exactly 640", reasons[0], StringComparison.Ordinal);
        Assert.StartsWith("audio message of 1280 bytes", reasons[1], StringComparison.Ordinal);
        Assert.Equal("unknown action 'dance'", reasons[2]);
        Assert.Equal("notify without an object payload", reasons[3]);
        Assert.Equal("notify without an object payload", reasons[4]);
        Assert.StartsWith("obsolete", reasons[5], StringComparison.Ordinal);
        Assert.StartsWith("not a valid command", reasons[6], StringComparison.Ordinal);
        Assert.Equal(0, caller.HeardBytes);
        Assert.Equal(["notify"], caller.ReceivedFrames.Select(f => f.Kind));
    }

    [Fact]
    public async Task Audio_beyond_the_playout_buffer_limit_is_dropped_and_recorded()
    {
        var (caller, server) = await ConnectAsync(new VonageCallerOptions { MaxBufferedMessages = 10 });
        await using var call = caller;

        // 200 messages (4 s of audio) in a burst: the buffer overflows unless sending them took nearly 4 s.
        for (var i = 0; i < 5; i++) await SendAudioAsync(server, Tone(TimeSpan.FromMilliseconds(800)));
        await server.SendTextAsync("""{"action":"notify","payload":{"sync":true}}""", Timeout).DefaultTimeout();
        await caller.WaitForNotifyAsync(p => p.TryGetProperty("sync", out _), Timeout).DefaultTimeout();

        var dropped = caller.InvalidFrames.Count(f => f.Reason.StartsWith("playout buffer full", StringComparison.Ordinal));
        var accepted = caller.OutboundAudio.Messages;
        Assert.Equal(200, accepted + dropped);
        Assert.True(accepted >= 10, $"only {accepted} messages were accepted into a 10-message buffer");
        Assert.True(dropped > 0, "nothing was dropped");
        Assert.Equal(accepted * FrameBytes, caller.HeardBytes);
    }

    [Fact]
    public async Task Echo_returns_played_audio_delayed_and_attenuated_in_the_caller_frames()
    {
        var (caller, server) = await ConnectAsync(new VonageCallerOptions { Echo = new EchoSimulation { Delay = TimeSpan.FromMilliseconds(120), GainDb = -12 } });
        await using var call = caller;
        await ReadAudioAsync(server, 3);

        var sentAt = Stopwatch.GetTimestamp();
        await SendAudioAsync(server, Tone(TimeSpan.FromSeconds(1)));
        var onset = await server.ReadUntilAsync(m => m.Type == WebSocketMessageType.Binary && TestSignals.Rms(Pcm16.ToSamples(m.Data)) > 100, Timeout).DefaultTimeout();
        var echoFrames = await ReadAudioAsync(server, 40);

        var delay = Stopwatch.GetElapsedTime(sentAt, onset.ReceivedAt).TotalMilliseconds;
        var ratio = TestSignals.Rms(Pcm16.ToSamples(echoFrames.SelectMany(f => f.Data).ToArray())) / TestSignals.Rms(ToneSamples);
        output.WriteLine($"echo onset {delay:F1} ms after the server's audio; level ratio {ratio:F4} (−12 dB = 0.2512)");
        Assert.True(delay >= 115, $"{delay} is earlier than 115"); // wall-clock upper bounds are the bench's job, not a test's
        Assert.InRange(ratio, 0.245, 0.257);
    }

    [Fact]
    public async Task When_the_server_closes_waits_fail_instead_of_hanging()
    {
        var (caller, server) = await ConnectAsync();
        await using var call = caller;

        await server.CloseAsync(Timeout).DefaultTimeout();
        await caller.WaitForCloseAsync(Timeout).DefaultTimeout();

        Assert.True(caller.ClosedByServer);
        await Assert.ThrowsAsync<InvalidOperationException>(() => caller.WaitForNotifyAsync(_ => true, Timeout)).DefaultTimeout();
        await Assert.ThrowsAsync<InvalidOperationException>(() => caller.WaitForClearAsync(Timeout)).DefaultTimeout();
    }
}
