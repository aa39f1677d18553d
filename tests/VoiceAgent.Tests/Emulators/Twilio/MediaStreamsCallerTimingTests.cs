using System.Diagnostics;
using VoiceAgent.Emulators.Twilio.MediaStreams;
using VoiceAgent.Tests.EmulatorsTests.TestServer;
using Xunit.Abstractions;

namespace VoiceAgent.Tests.EmulatorsTests.Twilio;

/// <summary>The caller's 20 ms clock, measured where it matters: at the server.</summary>
public class MediaStreamsCallerTimingTests(ITestOutputHelper output) : MediaStreamsTestBase
{
    [Fact]
    public async Task Media_frames_arrive_every_20_ms_on_absolute_deadlines()
    {
        var (caller, server) = await ConnectAsync(new MediaStreamsCallerOptions());
        await using var call = caller;

        await ReadMediaAsync(server, 50); // warm-up: JIT and first-connection costs
        var frames = await ReadMediaAsync(server, 150);

        var intervals = Intervals.Of(frames.Select(f => f.ReceivedAt).ToList());
        // Lateness of each frame against its deadline: stream start + media.timestamp (same Stopwatch, same process).
        var lateness = frames.Select(f =>
            Stopwatch.GetElapsedTime(caller.StartTimestamp, f.ReceivedAt).TotalMilliseconds
            - int.Parse(Str(f.Json.GetProperty("media"), "timestamp"))).ToArray();
        output.WriteLine($"Twilio media pacing at the server: {intervals}");
        output.WriteLine($"lateness vs deadline: min {lateness.Min():F2} ms, mean {lateness.Average():F2}, max {lateness.Max():F2}, min over the second half {lateness[75..].Min():F2}");

        Assert.All(lateness, late => Assert.True(late > -1, $"a frame went out {-late:F2} ms before its deadline"));
        // Each frame's deadline is 20 ms after the previous one's (how late they arrive is the bench's figure).
        var timestamps = frames.Select(f => int.Parse(Str(f.Json.GetProperty("media"), "timestamp"))).ToArray();
        Assert.All(timestamps.Zip(timestamps.Skip(1)), pair => Assert.Equal(20, pair.Second - pair.First));
    }
}
