using VoiceAgent.Speech.Vad;
using VoiceAgent.Tests.TestSupport;
using VoiceAgent.Tests.TestSupport.Audio;

namespace VoiceAgent.Tests.Speech.Vad;

public partial class VoiceActivityDetectorTests
{
    private const double AgentLevelDbfs = -20;
    private const int PlaybackStartMs = 500;

    [Theory]
    [InlineData(8000)]
    [InlineData(16000)]
    public async Task EchoOfOurPlaybackIsNotSpeech(int rate)
    {
        short[] played = await AgentPlaybackAsync(rate).DefaultTimeout();
        short[] inbound = AudioEdit.Mix(await LineNoiseAsync(rate, played.Length).DefaultTimeout(), AudioEdit.Delay(AudioEdit.Gain(played, -12), rate, 120));

        (List<VadEvent> events, _) = VadHarness.Run(inbound, rate, played);

        Assert.True(events.Count == 0, VadHarness.Describe(events));
    }

    [Theory]
    [InlineData(60, 10, false)]
    [InlineData(240, 10, false)]
    [InlineData(120, 8, true)]
    [InlineData(200, 12, true)]
    public async Task EchoAnywhereInThePlausibleDelayAndLossRangeIsNotSpeech(int delayMs, double returnLossDb, bool networkFiltered)
    {
        const int rate = 8000;
        short[] played = await AgentPlaybackAsync(rate).DefaultTimeout();
        short[] echo = AudioEdit.Delay(AudioEdit.Gain(played, -returnLossDb), rate, delayMs);
        if (networkFiltered)
        {
            echo = await TestAudio.TelephoneBandAsync(echo, rate).DefaultTimeout();
        }

        short[] inbound = AudioEdit.Mix(await LineNoiseAsync(rate, echo.Length).DefaultTimeout(), echo);

        (List<VadEvent> events, _) = VadHarness.Run(inbound, rate, played);

        Assert.True(events.Count == 0, VadHarness.Describe(events));
    }

    [Theory]
    [InlineData(3, 0, 75)] // misfired with a ±1 frame window around the measured delay
    [InlineData(0, 3, 75)]
    [InlineData(2, 0, 50)]
    [InlineData(3, 1, 37)]
    public async Task EchoIsNotSpeechWhenInboundFramesAreProcessedAFewFramesLate(int firstLagFrames, int secondLagFrames, int phaseFrames)
    {
        // A live call's inbound reads lag the sends by a varying frame or three (the read loop wakes late, then
        // catches up in a burst). Each sentence of the reply starts playing when it is sent, and is recorded against
        // the inbound count of that moment, so its alignment to the inbound frames differs by the lag of that moment.
        const int rate = 8000;
        short[] played = await SentencesWithPausesAsync(rate).DefaultTimeout();
        short[] inbound = AudioEdit.Mix(await LineNoiseAsync(rate, played.Length).DefaultTimeout(), AudioEdit.Delay(AudioEdit.Gain(played, -12), rate, 120));

        (List<VadEvent> events, _) = VadHarness.RunWithInboundLag(inbound, rate, played, t => t / phaseFrames % 2 == 0 ? firstLagFrames : secondLagFrames);

        Assert.True(events.Count == 0, VadHarness.Describe(events));
    }

    [Fact]
    public async Task WithoutTheEchoGuardTheSameEchoIsTakenForSpeech()
    {
        short[] played = await AgentPlaybackAsync(8000).DefaultTimeout();
        short[] inbound = AudioEdit.Mix(await LineNoiseAsync(8000, played.Length).DefaultTimeout(), AudioEdit.Delay(AudioEdit.Gain(played, -12), 8000, 120));

        (List<VadEvent> events, _) = VadHarness.Run(inbound, 8000, played, new VadOptions { EchoGuardEnabled = false });

        Assert.Contains(events, e => e.Kind == VadEventKind.SpeechStarted);
    }

    [Theory]
    [InlineData(8000)]
    [InlineData(16000)]
    public async Task CallerTalkingOverTheEchoIsDetected(int rate)
    {
        short[] played = await AgentPlaybackAsync(rate).DefaultTimeout();
        short[] caller = AudioEdit.ScaleTo(await TestAudio.SpeechAsync(Interruption, rate).DefaultTimeout(), AgentLevelDbfs);
        const int callerStartMs = 2500;
        short[] inbound = AudioEdit.Mix(
            await LineNoiseAsync(rate, played.Length).DefaultTimeout(),
            AudioEdit.Delay(AudioEdit.Gain(played, -12), rate, 120),
            AudioEdit.Delay(caller, rate, callerStartMs));

        (List<VadEvent> events, _) = VadHarness.Run(inbound, rate, played);

        VadEvent started = Assert.Single(events, e => e.Kind == VadEventKind.SpeechStarted);
        TimeSpan onset = TimeSpan.FromMilliseconds(callerStartMs) + AudioEdit.FirstActivity(caller, rate)!.Value;
        AssertWithin(started.DetectedAt - onset, TimeSpan.Zero, OnsetTolerance);
    }

    [Theory]
    [InlineData(8000)]
    [InlineData(16000)]
    public async Task QuietCallerBargesInPromptlyWhenTheNetworkCancelsTheEcho(int rate)
    {
        // No echo comes back, so once the guard has seen a second of loud playback answered by line noise it
        // stops demanding that the caller be nearly as loud as the agent: 15 dB quieter is enough.
        short[] played = await AgentPlaybackAsync(rate).DefaultTimeout();
        short[] caller = AudioEdit.ScaleTo(await TestAudio.SpeechAsync(Interruption, rate).DefaultTimeout(), AgentLevelDbfs - 15);
        const int callerStartMs = 2500;
        short[] inbound = AudioEdit.Mix(await LineNoiseAsync(rate, played.Length).DefaultTimeout(), AudioEdit.Delay(caller, rate, callerStartMs));

        (List<VadEvent> events, _) = VadHarness.Run(inbound, rate, played);

        VadEvent started = Assert.Single(events, e => e.Kind == VadEventKind.SpeechStarted);
        TimeSpan onset = TimeSpan.FromMilliseconds(callerStartMs) + AudioEdit.FirstActivity(caller, rate)!.Value;
        AssertWithin(started.DetectedAt - onset, TimeSpan.Zero, OnsetTolerance);
    }

    [Fact]
    public async Task WithoutEchoMeasurementTheAssumedLossMasksAQuietCaller()
    {
        // The same quiet caller with the adaptive echo measurement off: the assumed 6 dB loss masks them.
        short[] played = await AgentPlaybackAsync(8000).DefaultTimeout();
        short[] caller = AudioEdit.ScaleTo(await TestAudio.SpeechAsync(Interruption, 8000).DefaultTimeout(), AgentLevelDbfs - 15);
        short[] inbound = AudioEdit.Mix(await LineNoiseAsync(8000, played.Length).DefaultTimeout(), AudioEdit.Delay(caller, 8000, 2500));

        (List<VadEvent> events, _) = VadHarness.Run(inbound, 8000, played, new VadOptions { EchoAdaptive = false });

        Assert.DoesNotContain(events, e => e.Kind == VadEventKind.SpeechStarted && e.DetectedAt < TimeSpan.FromMilliseconds(2500 + 1000));
    }

    [Fact]
    public async Task EchoGuardMeasuresTheEchoDelayAndReturnLoss()
    {
        short[] played = await AgentPlaybackAsync(8000).DefaultTimeout();
        short[] inbound = AudioEdit.Mix(await LineNoiseAsync(8000, played.Length).DefaultTimeout(), AudioEdit.Delay(AudioEdit.Gain(played, -12), 8000, 120));

        (_, VoiceActivityDetector detector) = VadHarness.Run(inbound, 8000, played);

        Assert.Equal(TimeSpan.FromMilliseconds(120), detector.EchoDelay);
        Assert.NotNull(detector.EchoReturnLossDb);
        Assert.InRange(detector.EchoReturnLossDb.Value, 10, 13);
    }

    [Fact]
    public async Task PlaybackSentFasterThanRealTimeIsGuardedWhenItPlays()
    {
        const int rate = 8000;
        short[] played = await AgentPlaybackAsync(rate).DefaultTimeout();
        short[] inbound = AudioEdit.Mix(await LineNoiseAsync(rate, played.Length).DefaultTimeout(), AudioEdit.Delay(AudioEdit.Gain(played, -10), rate, 150));
        var detector = new VoiceActivityDetector(new VadOptions(), rate);

        // The whole reply is sent in one burst before the first inbound frame; it plays out over the next seconds.
        for (int f = 0; (f + 1) * 160 <= played.Length; f++)
        {
            detector.ObservePlayback(played.AsSpan(f * 160, 160));
        }

        var events = new List<VadEvent>();
        for (int f = 0; (f + 1) * 160 <= inbound.Length; f++)
        {
            VadEvent e = detector.Process(inbound.AsSpan(f * 160, 160));
            if (e.HasValue)
            {
                events.Add(e);
            }
        }

        Assert.True(events.Count == 0, VadHarness.Describe(events));
    }

    [Fact]
    public async Task ClearedPlaybackNoLongerMasksTheCaller()
    {
        const int rate = 8000;
        short[] played = await AgentPlaybackAsync(rate).DefaultTimeout();
        short[] caller = AudioEdit.ScaleTo(await TestAudio.SpeechAsync(Interruption, rate).DefaultTimeout(), AgentLevelDbfs - 12);
        short[] line = await LineNoiseAsync(rate, 7000 * 8).DefaultTimeout();
        short[] inbound = AudioEdit.Overlay(line, caller, rate, 2000);

        // The reply is queued in one burst; after one second the agent is interrupted and playback cleared, so
        // nothing of it plays (and nothing echoes) when the quieter caller talks at two seconds. The guard works
        // from the assumed loss here, so only the queue decides whether the caller is masked.
        List<VadEvent> RunWithClear(bool clear)
        {
            var detector = new VoiceActivityDetector(new VadOptions { EchoAdaptive = false }, rate);
            for (int f = 0; (f + 1) * 160 <= played.Length; f++)
            {
                detector.ObservePlayback(played.AsSpan(f * 160, 160));
            }

            var events = new List<VadEvent>();
            for (int f = 0; (f + 1) * 160 <= inbound.Length; f++)
            {
                if (clear && f == 50)
                {
                    detector.ClearPlayback();
                }

                VadEvent e = detector.Process(inbound.AsSpan(f * 160, 160));
                if (e.HasValue)
                {
                    events.Add(e);
                }
            }

            return events;
        }

        Assert.DoesNotContain(RunWithClear(clear: false), e => e.Kind == VadEventKind.SpeechStarted);
        Assert.Contains(RunWithClear(clear: true), e => e.Kind == VadEventKind.SpeechStarted);
    }

    [Fact]
    public async Task EchoThatGrowsLouderMidCallIsRemeasuredInsteadOfInterruptingEveryReply()
    {
        // Three replies. During the first the echo comes back 20 dB down and is measured; then the caller switches
        // to speaker-phone and it comes back only 8 dB down. The guard may mistake the start of the second reply's
        // echo for the caller once, but must then re-measure, so the third reply plays without a false barge-in.
        const int rate = 8000;
        short[] reply = await AgentPlaybackAsync(rate).DefaultTimeout();
        short[] played = AudioEdit.Concat(reply, reply, reply);
        short[] echo = AudioEdit.Concat(AudioEdit.Gain(reply, -20), AudioEdit.Gain(reply, -8), AudioEdit.Gain(reply, -8));
        short[] inbound = AudioEdit.Mix(await LineNoiseAsync(rate, played.Length).DefaultTimeout(), AudioEdit.Delay(echo, rate, 120));

        (List<VadEvent> events, VoiceActivityDetector detector) = VadHarness.Run(inbound, rate, played);

        TimeSpan thirdReply = TimeSpan.FromSeconds(2.0 * reply.Length / rate);
        Assert.True(events.Count(e => e.Kind == VadEventKind.SpeechStarted) <= 1, VadHarness.Describe(events));
        Assert.DoesNotContain(events, e => e.Kind == VadEventKind.SpeechStarted && e.DetectedAt >= thirdReply);
        Assert.NotNull(detector.EchoReturnLossDb);
        Assert.InRange(detector.EchoReturnLossDb.Value, 6, 10);
    }

    /// <summary>The agent's reply at speech level, starting after half a second and followed by a second of nothing.</summary>
    private static async Task<short[]> AgentPlaybackAsync(int rate)
    {
        short[] reply = AudioEdit.ScaleTo(await TestAudio.SpeechAsync(AgentReply, rate).DefaultTimeout(), AgentLevelDbfs);
        return AudioEdit.Concat(AudioEdit.Silence(rate, PlaybackStartMs), reply, AudioEdit.Silence(rate, 1000));
    }

    private static async Task<short[]> SentencesWithPausesAsync(int rate)
    {
        var parts = new List<short[]> { AudioEdit.Silence(rate, PlaybackStartMs) };
        foreach (string sentence in new[] { "Thanks for calling.", "Your order has shipped and should arrive on Tuesday.", "Is there anything else I can help you with today?", "We are open every day until nine." })
        {
            parts.Add(AudioEdit.ScaleTo(await TestAudio.SpeechAsync(sentence, rate).DefaultTimeout(), AgentLevelDbfs));
            parts.Add(AudioEdit.Silence(rate, 300));
        }

        parts.Add(AudioEdit.Silence(rate, 1000));
        return AudioEdit.Concat([.. parts]);
    }

    private static async Task<short[]> LineNoiseAsync(int rate, int samples)
        => AudioEdit.Fit(await TestAudio.WhiteNoiseAsync(rate, (int)((long)samples * 1000 / rate) + 1000, -60).DefaultTimeout(), samples + (rate / 2));
}
