using Xunit.Abstractions;
using System.Diagnostics;
using VoiceAgent.Emulators.Audio;
using VoiceAgent.Emulators.Twilio.MediaStreams;
using VoiceAgent.Tests.EmulatorsTests.TestServer;

namespace VoiceAgent.Tests.EmulatorsTests.Twilio;

/// <summary>Simulated acoustic echo: the server's own voice coming back on the inbound track.</summary>
public class MediaStreamsCallerEchoTests(ITestOutputHelper output) : MediaStreamsTestBase
{
    private static readonly short[] Source = TestSignals.Sine(1000, 8000, TimeSpan.FromSeconds(1), 8000);

    [Fact]
    public async Task Played_audio_returns_delayed_and_attenuated_in_the_inbound_frames()
    {
        var (caller, server) = await ConnectAsync(FixtureCall() with { Echo = new EchoSimulation { Delay = TimeSpan.FromMilliseconds(120), GainDb = -12 } });
        await using var call = caller;
        await ReadMediaAsync(server, 3); // the line is up and idle

        var sentAt = Stopwatch.GetTimestamp();
        await SendAudioAsync(server, caller.StreamSid, MuLawCodec.Encode(Source));
        var onset = await server.ReadUntilAsync(m => m.Event == "media" && TestSignals.MuLawRms(Payload(m)) > 100, Timeout);
        var echoFrames = await ReadMediaAsync(server, 40);

        var delay = Stopwatch.GetElapsedTime(sentAt, onset.ReceivedAt).TotalMilliseconds;
        var ratio = TestSignals.MuLawRms(echoFrames.SelectMany(Payload).ToArray()) / TestSignals.Rms(Source);
        output.WriteLine($"echo onset {delay:F1} ms after the server's audio; level ratio {ratio:F3} (−12 dB = 0.251)");
        Assert.True(delay >= 115, $"{delay} is earlier than 115"); // wall-clock upper bounds are the bench's job, not a test's
        Assert.InRange(ratio, 0.22, 0.28);
    }

    [Fact]
    public async Task Without_echo_the_inbound_track_stays_silent_while_the_server_talks()
    {
        var (caller, server) = await ConnectAsync(FixtureCall());
        await using var call = caller;
        await ReadMediaAsync(server, 3);

        await SendAudioAsync(server, caller.StreamSid, MuLawCodec.Encode(Source));
        await caller.WaitForHeardAudioAsync(4000, Timeout);
        var frames = await ReadMediaAsync(server, 20);

        Assert.All(frames, f => Assert.All(Payload(f), b => Assert.Equal(MuLawCodec.Silence, b)));
    }
}
