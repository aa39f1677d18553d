using VoiceAgent.Speech.Vad;
using VoiceAgent.Tests.TestSupport;
using VoiceAgent.Tests.TestSupport.Audio;

namespace VoiceAgent.Tests.Speech.Vad;

public partial class VoiceActivityDetectorTests
{
    private const string Request = "Hello, I would like to check the status of my order please.";
    private const string FollowUp = "Also, can you change the delivery address to my office?";
    private const string AgentReply = "Thanks for calling. Your order has shipped and should arrive on Tuesday. Is there anything else I can help you with today?";
    private const string Interruption = "Wait, stop, I need to change the address.";

    private static readonly TimeSpan OnsetTolerance = TimeSpan.FromMilliseconds(300);

    [Fact]
    public async Task TwilioSentenceInSilenceStartsOnceNearItsOnsetAndEndsAfterTheHangover()
    {
        byte[] speech = await TestAudio.SpeechMuLaw8kAsync(Request).DefaultTimeout();
        short[] reference = await TestAudio.SpeechAsync(Request, 8000).DefaultTimeout();
        byte[] call = [.. TestAudio.SilenceMuLaw8k(1000), .. speech, .. TestAudio.SilenceMuLaw8k(1500)];

        List<VadEvent> events = VadHarness.RunMuLaw(call);

        AssertOneSegment(events, reference, 8000, TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task VonageSentenceInSilenceStartsOnceNearItsOnsetAndEndsAfterTheHangover()
    {
        byte[] speech = await TestAudio.SpeechPcm16kAsync(Request).DefaultTimeout();
        short[] reference = await TestAudio.SpeechAsync(Request, 16000).DefaultTimeout();
        byte[] call = [.. new byte[32000], .. speech, .. new byte[48000]];

        List<VadEvent> events = VadHarness.RunPcm16k(call);

        AssertOneSegment(events, reference, 16000, TimeSpan.FromSeconds(1));
    }

    [Theory]
    [InlineData(8000)]
    [InlineData(16000)]
    public async Task TwoSentencesWithAGapOfOnePointFiveSecondsGiveTwoSegments(int rate)
    {
        short[] first = await TestAudio.SpeechAsync(Request, rate).DefaultTimeout();
        short[] second = await TestAudio.SpeechAsync(FollowUp, rate).DefaultTimeout();
        short[] call = AudioEdit.Concat(AudioEdit.Silence(rate, 800), first, AudioEdit.Silence(rate, 1500), second, AudioEdit.Silence(rate, 1200));

        (List<VadEvent> events, _) = VadHarness.Run(call, rate);

        Assert.True(
            events.Select(e => e.Kind).SequenceEqual([VadEventKind.SpeechStarted, VadEventKind.SpeechEnded, VadEventKind.SpeechStarted, VadEventKind.SpeechEnded]),
            VadHarness.Describe(events));
        TimeSpan secondOnset = Offset(rate, 800 + 1500, first.Length) + AudioEdit.FirstActivity(second, rate)!.Value;
        AssertWithin(events[2].DetectedAt - secondOnset, TimeSpan.Zero, OnsetTolerance);
    }

    [Theory]
    [InlineData(8000, "white")]
    [InlineData(16000, "white")]
    [InlineData(8000, "pink")]
    [InlineData(16000, "pink")]
    public async Task SpeechTenDbAboveSteadyNoiseIsDetected(int rate, string noiseKind)
    {
        short[] speech = await TestAudio.SpeechAsync(Request, rate).DefaultTimeout();
        short[] noise = noiseKind == "white"
            ? await TestAudio.WhiteNoiseAsync(rate, 7000, -35).DefaultTimeout()
            : await TestAudio.PinkNoiseAsync(rate, 7000, -35).DefaultTimeout();
        short[] scaled = AudioEdit.ScaleTo(speech, -25);
        short[] call = AudioEdit.Overlay(noise, scaled, rate, 2000);

        (List<VadEvent> events, _) = VadHarness.Run(call, rate);

        Assert.True(events.Count == 2 && events[0].Kind == VadEventKind.SpeechStarted && events[1].Kind == VadEventKind.SpeechEnded, VadHarness.Describe(events));

        // In noise the onset that can be heard is where the speech first rises above the noise.
        TimeSpan onset = TimeSpan.FromSeconds(2) + AudioEdit.FirstActivity(scaled, rate, thresholdDbfs: -35)!.Value;
        AssertWithin(events[0].DetectedAt - onset, TimeSpan.Zero, OnsetTolerance);
    }

    [Theory]
    [InlineData(8000)]
    [InlineData(16000)]
    public async Task VoicedSoundShorterThanTheMinimumSpeechDurationDoesNotStartSpeech(int rate)
    {
        short[] vowel = await LoudestSliceAsync(rate, 150).DefaultTimeout();
        short[] call = AudioEdit.Concat(AudioEdit.Silence(rate, 1000), vowel, AudioEdit.Silence(rate, 1000));

        (List<VadEvent> events, _) = VadHarness.Run(call, rate);

        Assert.Empty(events);
    }

    [Fact]
    public async Task ShorterMinimumSpeechDurationLetsAShortSoundStartSpeech()
    {
        short[] vowel = await LoudestSliceAsync(8000, 150).DefaultTimeout();
        short[] call = AudioEdit.Concat(AudioEdit.Silence(8000, 1000), vowel, AudioEdit.Silence(8000, 1000));

        (List<VadEvent> events, _) = VadHarness.Run(call, 8000, options: new VadOptions { MinSpeechMs = 100 });

        Assert.Equal([VadEventKind.SpeechStarted, VadEventKind.SpeechEnded], events.Select(e => e.Kind));
    }

    [Fact]
    public async Task PauseShorterThanTheHangoverKeepsOneSegment()
    {
        short[] first = AudioEdit.Trim(await TestAudio.SpeechAsync(Request, 8000).DefaultTimeout(), 8000);
        short[] second = AudioEdit.Trim(await TestAudio.SpeechAsync(FollowUp, 8000).DefaultTimeout(), 8000);
        short[] call = AudioEdit.Concat(AudioEdit.Silence(8000, 500), first, AudioEdit.Silence(8000, 300), second, AudioEdit.Silence(8000, 1000));

        (List<VadEvent> events, _) = VadHarness.Run(call, 8000);

        Assert.Equal([VadEventKind.SpeechStarted, VadEventKind.SpeechEnded], events.Select(e => e.Kind));
    }

    [Fact]
    public async Task ShorterHangoverSplitsAtAPause()
    {
        short[] first = AudioEdit.Trim(await TestAudio.SpeechAsync(Request, 8000).DefaultTimeout(), 8000);
        short[] second = AudioEdit.Trim(await TestAudio.SpeechAsync(FollowUp, 8000).DefaultTimeout(), 8000);
        short[] call = AudioEdit.Concat(AudioEdit.Silence(8000, 500), first, AudioEdit.Silence(8000, 300), second, AudioEdit.Silence(8000, 1000));

        (List<VadEvent> events, _) = VadHarness.Run(call, 8000, options: new VadOptions { HangoverMs = 150 });

        TimeSpan pauseStart = TimeSpan.FromMilliseconds(500) + TimeSpan.FromSeconds(first.Length / 8000.0);
        Assert.Contains(events, e => e.Kind == VadEventKind.SpeechEnded && e.DetectedAt > pauseStart && e.DetectedAt <= pauseStart + TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public async Task IsSpeakingIsTrueBetweenStartAndEnd()
    {
        short[] speech = await TestAudio.SpeechAsync(Request, 8000).DefaultTimeout();
        short[] call = AudioEdit.Concat(AudioEdit.Silence(8000, 600), speech, AudioEdit.Silence(8000, 1000));
        var detector = new VoiceActivityDetector(new VadOptions(), 8000);

        bool speaking = false;
        for (int f = 0; (f + 1) * 160 <= call.Length; f++)
        {
            VadEvent e = detector.Process(call.AsSpan(f * 160, 160));
            speaking = e.Kind switch
            {
                VadEventKind.SpeechStarted => true,
                VadEventKind.SpeechEnded => false,
                _ => speaking,
            };
            Assert.Equal(speaking, detector.IsSpeaking);
        }

        Assert.False(detector.IsSpeaking);
    }

    private static void AssertOneSegment(List<VadEvent> events, short[] speech, int rate, TimeSpan leadingSilence)
    {
        Assert.True(events.Count == 2 && events[0].Kind == VadEventKind.SpeechStarted && events[1].Kind == VadEventKind.SpeechEnded, VadHarness.Describe(events));
        TimeSpan onset = leadingSilence + AudioEdit.FirstActivity(speech, rate)!.Value;
        TimeSpan end = leadingSilence + AudioEdit.LastActivity(speech, rate)!.Value;
        VadEvent started = events[0], ended = events[1];

        AssertWithin(started.DetectedAt - onset, TimeSpan.Zero, OnsetTolerance);
        AssertWithin(started.Timestamp - onset, TimeSpan.FromMilliseconds(-40), TimeSpan.FromMilliseconds(150));
        AssertWithin(ended.Timestamp - end, TimeSpan.FromMilliseconds(-150), TimeSpan.FromMilliseconds(60));
        Assert.Equal(TimeSpan.FromMilliseconds(new VadOptions().HangoverMs), ended.DetectedAt - ended.Timestamp);
    }

    private static void AssertWithin(TimeSpan actual, TimeSpan min, TimeSpan max)
        => Assert.True(actual >= min && actual <= max, $"{actual.TotalMilliseconds:F0} ms is outside [{min.TotalMilliseconds:F0}, {max.TotalMilliseconds:F0}] ms");

    private static TimeSpan Offset(int rate, int silenceMs, int speechSamples) => TimeSpan.FromMilliseconds(silenceMs) + TimeSpan.FromSeconds((double)speechSamples / rate);

    /// <summary>The loudest <paramref name="milliseconds"/> of the request (a vowel), with 5 ms fades so it has no clicks.</summary>
    private static async Task<short[]> LoudestSliceAsync(int rate, int milliseconds)
    {
        short[] speech = await TestAudio.SpeechAsync(Request, rate).DefaultTimeout();
        int length = AudioEdit.SamplesFor(rate, milliseconds);
        int best = 0;
        double bestLevel = double.MinValue;
        for (int start = 0; start + length <= speech.Length; start += rate / 100)
        {
            double level = AudioEdit.RmsDbfs(speech.AsSpan(start, length));
            if (level > bestLevel)
            {
                bestLevel = level;
                best = start;
            }
        }

        short[] slice = speech.AsSpan(best, length).ToArray();
        int fade = rate / 200;
        for (int i = 0; i < fade; i++)
        {
            slice[i] = (short)(slice[i] * i / fade);
            slice[length - 1 - i] = (short)(slice[length - 1 - i] * i / fade);
        }

        return slice;
    }
}
