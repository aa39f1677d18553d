using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.Providers.Deepgram;

/// <summary>KeepAlive cadence on virtual time. A Finalize afterwards is an ordering barrier: once the emulator
/// counted it, every frame sent before it has been counted too.</summary>
public sealed class DeepgramKeepAliveTests : DeepgramEmulatorTestBase
{
    private readonly ManualTimeProvider _time = new();

    [Fact]
    public async Task KeepAliveIsSentOncePerIntervalWithoutAudio()
    {
        await using var session = await ConnectAsync(time: _time);

        _time.Advance(TimeSpan.FromSeconds(3.9));
        await BarrierAsync(session, expectedFinalizes: 1);
        Assert.Equal(0, Emulator.KeepAlivesReceived);

        _time.Advance(TimeSpan.FromSeconds(0.1));
        await WaitForEmulatorAsync(e => e.KeepAlivesReceived == 1);

        _time.Advance(TimeSpan.FromSeconds(4));
        await WaitForEmulatorAsync(e => e.KeepAlivesReceived == 2);
        await BarrierAsync(session, expectedFinalizes: 2);
        Assert.Equal(2, Emulator.KeepAlivesReceived);
    }

    [Fact]
    public async Task KeepAliveIsNotSentWhileAudioFlows()
    {
        await using var session = await ConnectAsync(time: _time);
        var frame = TestAudio.MuLawSilenceOf(TimeSpan.FromMilliseconds(20));

        for (var second = 0; second < 12; second++)
        {
            await session.SendAudioAsync(frame, TestTimeout).DefaultTimeout();
            _time.Advance(TimeSpan.FromSeconds(1));
        }
        await BarrierAsync(session, expectedFinalizes: 1);

        Assert.Equal(0, Emulator.KeepAlivesReceived);
        Assert.Equal(12, Assert.Single(Emulator.Connections).AudioFramesReceived);
    }

    [Fact]
    public async Task KeepAliveResumesWhenAudioStops()
    {
        await using var session = await ConnectAsync(time: _time);
        await session.SendAudioAsync(TestAudio.MuLawSilenceOf(TimeSpan.FromMilliseconds(20)), TestTimeout).DefaultTimeout();
        _time.Advance(TimeSpan.FromSeconds(3));
        await session.SendAudioAsync(TestAudio.MuLawSilenceOf(TimeSpan.FromMilliseconds(20)), TestTimeout).DefaultTimeout();

        _time.Advance(TimeSpan.FromSeconds(6)); // 4 s after the last audio the KeepAlive is due; at most 2 s later it goes out

        await WaitForEmulatorAsync(e => e.KeepAlivesReceived == 1);
        await BarrierAsync(session, expectedFinalizes: 1);
        Assert.Equal(1, Emulator.KeepAlivesReceived);
    }

    private async Task BarrierAsync(VoiceAgent.Speech.ISpeechToTextSession session, int expectedFinalizes)
    {
        await session.FinalizeAsync(TestTimeout).DefaultTimeout();
        await WaitForEmulatorAsync(e => e.FinalizesReceived == expectedFinalizes);
    }
}
