using Xunit.Abstractions;
using VoiceAgent.Emulators.Twilio.MediaStreams;
using VoiceAgent.Tests.EmulatorsTests.TestServer;

namespace VoiceAgent.Tests.EmulatorsTests.Twilio;

/// <summary>The caller's 20 ms clock, measured where it matters: at the server.</summary>
public class MediaStreamsCallerTimingTests(ITestOutputHelper output) : MediaStreamsTestBase
{
    [Fact]
    public async Task Media_frames_arrive_every_20_ms_without_drift()
    {
        var (caller, server) = await ConnectAsync(new MediaStreamsCallerOptions());
        await using var _ = caller;

        var frames = await ReadMediaAsync(server, 101);
        var intervals = Intervals.Of(frames.Skip(1).Select(f => f.ReceivedAt).ToList()); // the first may carry connect jitter

        output.WriteLine($"Twilio media pacing: {intervals}");
        Assert.InRange(intervals.Average, 19.0, 21.0);
        Assert.InRange(intervals.Span, 99 * 20 - 25, 99 * 20 + 25); // absolute deadlines: no accumulated drift
    }
}
