using Xunit.Abstractions;
using System.Diagnostics;
using System.Net.WebSockets;
using VoiceAgent.Emulators.Audio;
using VoiceAgent.Tests.EmulatorsTests.TestServer;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.EmulatorsTests.Twilio;

/// <summary>How the emulated Twilio plays the server's audio: real-time playout, marks, clear, invalid frames.</summary>
public class MediaStreamsCallerPlayoutTests(ITestOutputHelper output) : MediaStreamsTestBase
{
    private static byte[] Tone(TimeSpan duration) => MuLawCodec.Encode(TestSignals.Sine(1000, 8000, duration, 8000));

    [Fact]
    public async Task Audio_plays_in_real_time_and_the_mark_is_echoed_only_when_it_has_finished()
    {
        var (caller, server) = await ConnectAsync();
        await using var call = caller;
        var audio = Tone(TimeSpan.FromSeconds(1));

        var sentAt = Stopwatch.GetTimestamp();
        await SendAudioAsync(server, caller.StreamSid, audio); // one second, sent as a burst
        await server.SendTextAsync(MarkFrame(caller.StreamSid, "utt-1"), Timeout).DefaultTimeout();
        var echo = await caller.WaitForMarkAsync("utt-1", Timeout).DefaultTimeout();
        var echoed = await ReadEventAsync(server, "mark");
        var serverWait = Stopwatch.GetElapsedTime(sentAt, echoed.ReceivedAt);

        var playout = echo.EchoedAt - caller.OutboundMedia.FirstReceivedAt!.Value;
        output.WriteLine($"mark echoed {playout.TotalMilliseconds:F1} ms after the first audio arrived; server saw it after {serverWait.TotalMilliseconds:F1} ms");
        Assert.True(playout.TotalMilliseconds >= 1000, $"{playout.TotalMilliseconds} is earlier than 1000"); // wall-clock upper bounds are the bench's job, not a test's
        Assert.True(serverWait.TotalMilliseconds >= 995, $"{serverWait.TotalMilliseconds} is earlier than 995"); // wall-clock upper bounds are the bench's job, not a test's
        Assert.False(echo.DueToClear);
        Assert.Equal($$$"""{"event":"mark","sequenceNumber":"{{{Str(echoed.Json, "sequenceNumber")}}}","streamSid":"{{{caller.StreamSid}}}","mark":{"name":"utt-1"}}""", echoed.Text);

        Assert.Equal(audio, caller.GetHeardAudio());
        var heard = caller.HeardAudio;
        Assert.Equal(50, heard.Count);
        Assert.True((heard[^1].PlayedAt - heard[0].PlayedAt).TotalMilliseconds >= 960, $"{(heard[^1].PlayedAt - heard[0].PlayedAt).TotalMilliseconds} is earlier than 960"); // wall-clock upper bounds are the bench's job, not a test's // 49 ticks of 20 ms
    }

    [Fact]
    public async Task Odd_sized_media_is_buffered_by_bytes_and_marks_keep_their_place()
    {
        var (caller, server) = await ConnectAsync();
        await using var call = caller;
        var audio = Tone(TimeSpan.FromMilliseconds(375)); // 3000 bytes

        await SendAudioAsync(server, caller.StreamSid, audio[..1000], chunkBytes: 1000);
        await server.SendTextAsync(MarkFrame(caller.StreamSid, "a"), Timeout).DefaultTimeout();
        await SendAudioAsync(server, caller.StreamSid, audio[1000..], chunkBytes: 999);
        await server.SendTextAsync(MarkFrame(caller.StreamSid, "b"), Timeout).DefaultTimeout();

        var b = await caller.WaitForMarkAsync("b", Timeout).DefaultTimeout();
        var a = caller.MarkEchoes[0];
        var first = caller.OutboundMedia.FirstReceivedAt!.Value;
        Assert.Equal(["a", "b"], caller.MarkEchoes.Select(m => m.Name));
        Assert.True((a.EchoedAt - first).TotalMilliseconds >= 125, $"{(a.EchoedAt - first).TotalMilliseconds} is earlier than 125"); // wall-clock upper bounds are the bench's job, not a test's
        Assert.True((b.EchoedAt - first).TotalMilliseconds >= 375, $"{(b.EchoedAt - first).TotalMilliseconds} is earlier than 375"); // wall-clock upper bounds are the bench's job, not a test's
        Assert.Equal(audio, caller.GetHeardAudio());
    }

    [Fact]
    public async Task Clear_empties_the_buffer_and_echoes_outstanding_marks_at_once()
    {
        var (caller, server) = await ConnectAsync();
        await using var call = caller;
        await SendAudioAsync(server, caller.StreamSid, Tone(TimeSpan.FromSeconds(5)));
        await server.SendTextAsync(MarkFrame(caller.StreamSid, "sentence-1"), Timeout).DefaultTimeout();
        await SendAudioAsync(server, caller.StreamSid, Tone(TimeSpan.FromSeconds(1)));
        await server.SendTextAsync(MarkFrame(caller.StreamSid, "sentence-2"), Timeout).DefaultTimeout();
        await caller.WaitForHeardAudioAsync(1600, Timeout).DefaultTimeout(); // 200 ms in, the caller barges in

        await server.SendTextAsync(ClearFrame(caller.StreamSid), Timeout).DefaultTimeout();
        var clear = await caller.WaitForClearAsync(Timeout).DefaultTimeout();
        var echo1 = await ReadEventAsync(server, "mark");
        var echo2 = await ReadEventAsync(server, "mark");

        Assert.Equal(["sentence-1", "sentence-2"], clear.MarksEchoed);
        Assert.Equal("sentence-1", echo1.Json.GetProperty("mark").GetProperty("name").GetString());
        Assert.Equal("sentence-2", echo2.Json.GetProperty("mark").GetProperty("name").GetString());
        Assert.All(caller.MarkEchoes, m => Assert.True(m.DueToClear));
        Assert.All(caller.MarkEchoes, m => Assert.True(m.EchoedAt >= clear.ReceivedAt, "a mark was echoed before the clear arrived"));
        Assert.Equal(0, caller.BufferedBytes);
        Assert.Equal(48000, clear.DiscardedBytes + caller.HeardBytes);

        // Nothing is left to play: a new mark comes straight back, and not because of a clear.
        await server.SendTextAsync(MarkFrame(caller.StreamSid, "after"), Timeout).DefaultTimeout();
        var after = await caller.WaitForMarkAsync("after", Timeout).DefaultTimeout();
        Assert.False(after.DueToClear);
        Assert.True(after.EchoedAt >= after.ReceivedAt);
        Assert.True(caller.HeardBytes >= 1600, $"heard {caller.HeardBytes} bytes before the clear");
    }

    [Fact]
    public async Task Invalid_frames_are_recorded_and_dropped_while_the_call_goes_on()
    {
        var (caller, server) = await ConnectAsync();
        await using var call = caller;
        var sid = caller.StreamSid;

        string[] invalid =
        [
            $$$"""{"event":"play","streamSid":"{{{sid}}}"}""",
            $$$"""{"event":"media","streamSid":"{{{sid}}}","media":{}}""",
            $$$"""{"event":"media","streamSid":"{{{sid}}}","media":{"payload":"not*base64!"}}""",
            $$$"""{"event":"mark","streamSid":"{{{sid}}}","mark":{}}""",
            MediaFrame("MZ11111111111111111111111111111111", new byte[160]),
            "this is not json",
        ];
        foreach (var frame in invalid) await server.SendTextAsync(frame, Timeout).DefaultTimeout();
        await server.SendBinaryAsync(new byte[160], Timeout).DefaultTimeout();
        await server.SendTextAsync(MarkFrame(sid, "sync"), Timeout).DefaultTimeout();
        await caller.WaitForMarkAsync("sync", Timeout).DefaultTimeout();

        Assert.Equal(
            ["unknown event 'play'", "media without payload", "payload is not valid base64", "mark without name",
             "streamSid 'MZ11111111111111111111111111111111' is not this stream's '" + sid + "'"],
            caller.InvalidFrames.Take(5).Select(f => f.Reason));
        Assert.StartsWith("not a valid frame", caller.InvalidFrames[5].Reason, StringComparison.Ordinal);
        Assert.StartsWith("binary frame", caller.InvalidFrames[6].Reason, StringComparison.Ordinal);
        Assert.Equal(7, caller.InvalidFrames.Count);
        Assert.Equal(invalid[0], caller.InvalidFrames[0].Frame);
        Assert.Equal(0, caller.OutboundMedia.Bytes);
        Assert.Equal(0, caller.HeardBytes);
        Assert.Equal(["mark"], caller.ReceivedFrames.Select(f => f.Event));
    }

    [Fact]
    public async Task Outbound_media_statistics_track_arrival_and_gaps()
    {
        var (caller, server) = await ConnectAsync();
        await using var call = caller;
        var audio = Tone(TimeSpan.FromMilliseconds(500));

        var waiting = caller.WaitForAudioAsync(audio.Length, Timeout);
        for (var frame = 0; frame < 25; frame++)
        {
            await server.SendTextAsync(MediaFrame(caller.StreamSid, audio.AsSpan(frame * 160, 160)), Timeout).DefaultTimeout();
            if (frame == 12) await Task.Delay(150, Timeout); // a TTS stall in the middle
            else await Task.Delay(20, Timeout);
        }
        var stats = await waiting.DefaultTimeout();

        output.WriteLine(stats.ToString());
        Assert.Equal(25, stats.Messages);
        Assert.Equal(4000, stats.Bytes);
        Assert.NotNull(stats.FirstReceivedAt);
        // Arithmetic over the arrival times, not wall-clock figures: the average gap spans first to last arrival.
        var span = stats.LastReceivedAt!.Value - stats.FirstReceivedAt!.Value;
        Assert.InRange(stats.AverageGap.Ticks, span.Ticks / 24 - 1, span.Ticks / 24 + 1);
        Assert.InRange(stats.MaxGap, stats.AverageGap, span);
        Assert.Equal(stats, caller.ResetOutboundMediaStatistics());
        Assert.Equal(0, caller.OutboundMedia.Messages);
    }

    [Fact]
    public async Task When_the_server_closes_waits_fail_instead_of_hanging()
    {
        var (caller, server) = await ConnectAsync();
        await using var call = caller;

        await server.CloseAsync(Timeout).DefaultTimeout();
        await caller.WaitForCloseAsync(Timeout).DefaultTimeout();

        Assert.True(caller.ClosedByServer);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, caller.CloseStatus);
        await Assert.ThrowsAsync<InvalidOperationException>(() => caller.WaitForMarkAsync("never", Timeout)).DefaultTimeout();
        await Assert.ThrowsAsync<InvalidOperationException>(() => caller.PlayAsync(new byte[160], Timeout)).DefaultTimeout();
        Assert.Empty(caller.InvalidFrames);
    }
}
