using System.Diagnostics;
using VoiceAgent.Speech.Audio;
using VoiceAgent.Speech.Vad;
using VoiceAgent.Tests.TestSupport;
using VoiceAgent.Tests.TestSupport.Audio;
using Xunit.Abstractions;

namespace VoiceAgent.Tests.Speech.Vad;

/// <summary>
/// Reports the CPU cost per 20 ms frame of the inbound audio path so it can be quoted; timings are printed,
/// not asserted (they depend on the machine and on Debug/Release). Run with <c>-c Release</c> for real numbers.
/// Each path is first run for a while so the JIT has promoted it to optimised (tier-1) code; each figure is then
/// the fastest of several passes over the whole call, which filters out time stolen by other processes.
/// </summary>
public class VadTimingTests(ITestOutputHelper output)
{
    private const int Repeats = 30;
    private static readonly TimeSpan WarmUp = TimeSpan.FromMilliseconds(400);

    [Fact]
    public async Task ReportsNanosecondsPerFrameForTheTwilioAndVonagePaths()
    {
        // A realistic call: line noise, a caller sentence, the agent's reply being played with its echo.
        byte[] callerMuLaw = await TestAudio.SpeechMuLaw8kAsync("Hello, I would like to check the status of my order please.").DefaultTimeout();
        short[] caller8k = new short[callerMuLaw.Length];
        MuLaw.Decode(callerMuLaw, caller8k);
        short[] agent8k = AudioEdit.ScaleTo(await TestAudio.SpeechAsync("Thanks for calling. Your order has shipped and should arrive on Tuesday.", 8000).DefaultTimeout(), -20);
        short[] noise8k = await TestAudio.WhiteNoiseAsync(8000, 10_000, -55).DefaultTimeout();
        short[] played8k = AudioEdit.Fit(AudioEdit.Delay(agent8k, 8000, 5000), noise8k.Length);
        short[] inbound8k = AudioEdit.Mix(noise8k, AudioEdit.Delay(caller8k, 8000, 1000), AudioEdit.Delay(AudioEdit.Gain(played8k, -12), 8000, 120));
        var wire8k = new byte[inbound8k.Length];
        MuLaw.Encode(inbound8k, wire8k);

        var up = new Resampler(8000, 16000);
        short[] inbound16k = new short[inbound8k.Length * 2];
        up.Process(inbound8k, inbound16k);
        short[] played16k = new short[played8k.Length * 2];
        new Resampler(8000, 16000).Process(played8k, played16k);
        byte[] wire16k = AudioEdit.ToBytes(inbound16k);

        (double decodeNs, _) = Measure(8000, wire8k, null, decodeOnly: true);
        (double twilioNs, int twilioEvents) = Measure(8000, wire8k, null, decodeOnly: false);
        (double twilioEchoNs, _) = Measure(8000, wire8k, played8k, decodeOnly: false);
        (double vonageNs, int vonageEvents) = Measure(16000, wire16k, null, decodeOnly: false);
        (double vonageEchoNs, _) = Measure(16000, wire16k, played16k, decodeOnly: false);
        double upNs = MeasureResampler(new Resampler(8000, 16000), inbound8k, 160);
        double downNs = MeasureResampler(new Resampler(16000, 8000), inbound16k, 320);

#if DEBUG
        output.WriteLine("Debug build: numbers are pessimistic; run `dotnet test -c Release` to quote them.");
#endif
        output.WriteLine($"Per 20 ms frame, best of {Repeats} passes over {wire8k.Length / 160} frames of a call with noise, speech and echo:");
        output.WriteLine($"  μ-law decode (160 B)                      {decodeNs,9:F0} ns");
        output.WriteLine($"  Twilio: μ-law decode + VAD                {twilioNs,9:F0} ns");
        output.WriteLine($"  Twilio: μ-law decode + VAD + playback     {twilioEchoNs,9:F0} ns");
        output.WriteLine($"  Vonage: PCM16 16 kHz + VAD                {vonageNs,9:F0} ns");
        output.WriteLine($"  Vonage: PCM16 16 kHz + VAD + playback     {vonageEchoNs,9:F0} ns");
        output.WriteLine($"  Resample 8→16 kHz                         {upNs,9:F0} ns");
        output.WriteLine($"  Resample 16→8 kHz                         {downNs,9:F0} ns");
        output.WriteLine($"  One core handles ≈ {20_000_000 / twilioEchoNs:F0} Twilio calls of VAD in real time.");

        Assert.True(twilioEvents > 0 && vonageEvents > 0, "the timed runs must actually detect the caller");
    }

    private static (double NsPerFrame, int Events) Measure(int rate, byte[] wire, short[]? played, bool decodeOnly)
    {
        int frames = wire.Length / (rate == 8000 ? 160 : 640);
        var pcm = new short[rate / 50];
        int events = Pass(rate, wire, played, decodeOnly, pcm).Events;
        long best = long.MaxValue;
        long warmUntil = Stopwatch.GetTimestamp() + (long)(WarmUp.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < warmUntil)
        {
            Pass(rate, wire, played, decodeOnly, pcm);
        }

        for (int repeat = 0; repeat < Repeats; repeat++)
        {
            best = Math.Min(best, Pass(rate, wire, played, decodeOnly, pcm).Ticks);
        }

        return (best * 1e9 / Stopwatch.Frequency / frames, events);
    }

    /// <summary>One pass over the call with a fresh detector, as its own method so the JIT optimises it after warm-up.</summary>
    private static (long Ticks, int Events) Pass(int rate, byte[] wire, short[]? played, bool decodeOnly, short[] pcm)
    {
        int frameBytes = rate == 8000 ? 160 : 640; // μ-law at 8 kHz, PCM16 at 16 kHz
        int samples = rate / 50;
        int frames = wire.Length / frameBytes;
        int events = 0;
        var detector = new VoiceActivityDetector(new VadOptions(), rate);
        long start = Stopwatch.GetTimestamp();
        for (int f = 0; f < frames; f++)
        {
            ReadOnlySpan<byte> frame = wire.AsSpan(f * frameBytes, frameBytes);
            if (rate == 8000)
            {
                MuLaw.Decode(frame, pcm);
            }
            else
            {
                Pcm16.ToSamples(frame, pcm);
            }

            if (decodeOnly)
            {
                continue;
            }

            if (played is not null && (f + 1) * samples <= played.Length)
            {
                detector.ObservePlayback(played.AsSpan(f * samples, samples));
            }

            if (detector.Process(pcm).HasValue)
            {
                events++;
            }
        }

        return (Stopwatch.GetTimestamp() - start, events);
    }

    private static double MeasureResampler(Resampler resampler, short[] input, int frame)
    {
        var output = new short[frame * 2];
        long best = long.MaxValue;
        long warmUntil = Stopwatch.GetTimestamp() + (long)(WarmUp.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < warmUntil)
        {
            ResamplePass(resampler, input, frame, output);
        }

        for (int repeat = 0; repeat < Repeats; repeat++)
        {
            best = Math.Min(best, ResamplePass(resampler, input, frame, output));
        }

        return best * 1e9 / Stopwatch.Frequency / (input.Length / frame);
    }

    private static long ResamplePass(Resampler resampler, short[] input, int frame, short[] output)
    {
        long start = Stopwatch.GetTimestamp();
        for (int f = 0; f + frame <= input.Length; f += frame)
        {
            resampler.Process(input.AsSpan(f, frame), output);
        }

        return Stopwatch.GetTimestamp() - start;
    }
}
