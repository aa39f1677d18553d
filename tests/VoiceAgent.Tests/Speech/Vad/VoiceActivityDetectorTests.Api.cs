using VoiceAgent.Speech.Audio;
using VoiceAgent.Speech.Vad;
using VoiceAgent.Tests.TestSupport;
using VoiceAgent.Tests.TestSupport.Audio;

namespace VoiceAgent.Tests.Speech.Vad;

public partial class VoiceActivityDetectorTests
{
    [Theory]
    [InlineData(8000, 159)]
    [InlineData(8000, 320)]
    [InlineData(16000, 160)]
    public void FramesOtherThanTwentyMillisecondsAreRefused(int rate, int samples)
    {
        var detector = new VoiceActivityDetector(new VadOptions(), rate);

        Assert.Throws<ArgumentException>(() => detector.Process(new short[samples]));
        Assert.Throws<ArgumentException>(() => detector.ObservePlayback(new short[samples]));
    }

    [Theory]
    [InlineData(11025)]
    [InlineData(24000)]
    public void UnsupportedSampleRatesAreRefused(int rate)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new VoiceActivityDetector(new VadOptions(), rate));
    }

    [Fact]
    public void PositionAdvancesTwentyMillisecondsPerFrame()
    {
        var detector = new VoiceActivityDetector(new VadOptions(), 16000);

        for (int i = 0; i < 7; i++)
        {
            detector.Process(new short[320]);
        }

        Assert.Equal(TimeSpan.FromMilliseconds(140), detector.Position);
    }

    [Theory]
    [InlineData(8000)]
    [InlineData(16000)]
    public async Task ProcessingAndObservingPlaybackAllocateNothingPerFrame(int rate)
    {
        short[] speech = await TestAudio.SpeechAsync(Request, rate).DefaultTimeout();
        short[] played = await AgentPlaybackAsync(rate).DefaultTimeout();
        short[] inbound = AudioEdit.Mix(AudioEdit.Delay(AudioEdit.Gain(played, -12), rate, 120), AudioEdit.Delay(speech, rate, 1500));
        // A full warm-up pass on another detector first, so JIT tiering and statics are done before measuring.
        var warmUp = new VoiceActivityDetector(new VadOptions(), rate);
        for (int f = 0; f < Math.Min(inbound.Length, played.Length) / warmUp.FrameSamples; f++)
        {
            warmUp.ObservePlayback(played.AsSpan(f * warmUp.FrameSamples, warmUp.FrameSamples));
            warmUp.Process(inbound.AsSpan(f * warmUp.FrameSamples, warmUp.FrameSamples));
        }
        var detector = new VoiceActivityDetector(new VadOptions(), rate);
        int n = detector.FrameSamples;
        int frames = Math.Min(inbound.Length, played.Length) / n;
        detector.Process(inbound.AsSpan(0, n));

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int f = 1; f < frames; f++)
        {
            detector.ObservePlayback(played.AsSpan(f * n, n));
            detector.Process(inbound.AsSpan(f * n, n));
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void CodecResamplerAndAssemblerAllocateNothingPerFrame()
    {
        byte[] wire = new byte[160 * 50];
        var pcm8 = new short[160];
        var pcm16 = new short[320];
        var back = new short[160];
        var encoded = new byte[160];
        var up = new Resampler(8000, 16000);
        var down = new Resampler(16000, 8000);
        var assembler = AudioFrameAssembler.ForMuLaw8k();
        ReadOnlySpan<byte> warm = wire.AsSpan(0, 160);
        assembler.TryTakeFrame(ref warm, out ReadOnlySpan<byte> first);
        // One pass before measuring: static tables and JIT tiers allocate once, not per frame.
        MuLaw.Decode(first, pcm8);
        up.Process(pcm8, pcm16);
        down.Process(pcm16, back);
        MuLaw.Encode(back, encoded);

        long before = GC.GetAllocatedBytesForCurrentThread();
        ReadOnlySpan<byte> rest = wire.AsSpan(160);
        while (assembler.TryTakeFrame(ref rest, out ReadOnlySpan<byte> frame))
        {
            MuLaw.Decode(frame, pcm8);
            up.Process(pcm8, pcm16);
            down.Process(pcm16, back);
            MuLaw.Encode(back, encoded);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
