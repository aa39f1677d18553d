using VoiceAgent.Speech.Audio;
using VoiceAgent.Tests.TestSupport.Audio;

namespace VoiceAgent.Tests.Speech.Audio;

public class ResamplerTests
{
    // The filter settles within 63 taps; measure on a window of whole 1 kHz cycles after that.
    private const int Settle = 128;

    [Theory]
    [InlineData(8000, 16000)]
    [InlineData(16000, 8000)]
    public void OneKilohertzSineKeepsItsFrequencyAndAmplitude(int from, int to)
    {
        short[] input = AudioEdit.Sine(from, 1000, 1000, 10000);

        short[] output = ResampleInFrames(new Resampler(from, to), input, from / 50);

        Assert.Equal(input.Length * to / from, output.Length);
        ReadOnlySpan<short> steady = output.AsSpan(Settle, to / 2);
        Assert.Equal(1000, ToneAnalysis.DominantFrequency(steady, to, 500, (to / 2) - 100));
        Assert.InRange(ToneAnalysis.Amplitude(steady, to, 1000), 10000 * 0.99, 10000 * 1.01);
        Assert.True(ToneAnalysis.ResidualDb(steady, to, 1000) < -50, "the output is a clean 1 kHz tone");
    }

    [Fact]
    public void SixKilohertzToneIsAttenuatedByAtLeastThirtyDbWhenDownsampled()
    {
        short[] input = AudioEdit.Sine(16000, 1000, 6000, 20000);

        short[] output = ResampleInFrames(new Resampler(16000, 8000), input, 320);

        double attenuationDb = AudioEdit.RmsDbfs(input) - AudioEdit.RmsDbfs(output.AsSpan(Settle));
        Assert.True(attenuationDb >= 30, $"6 kHz folded into the 8 kHz output only {attenuationDb:F1} dB down");
    }

    [Theory]
    [InlineData(4800)]
    [InlineData(5500)]
    [InlineData(7000)]
    [InlineData(7900)]
    public void EverythingFromFourPointEightKilohertzIsAttenuatedBySixtyDbWhenDownsampled(int frequencyHz)
    {
        short[] input = AudioEdit.Sine(16000, 1000, frequencyHz, 20000);

        short[] output = ResampleInFrames(new Resampler(16000, 8000), input, 320);

        double attenuationDb = AudioEdit.RmsDbfs(input) - AudioEdit.RmsDbfs(output.AsSpan(Settle));
        Assert.True(attenuationDb >= 60, $"{frequencyHz} Hz only {attenuationDb:F1} dB down");
    }

    [Theory]
    [InlineData(16000, 8000, 300)]
    [InlineData(16000, 8000, 3400)]
    [InlineData(8000, 16000, 300)]
    [InlineData(8000, 16000, 3400)]
    public void TelephoneBandEdgesPassWithinATenthOfADb(int from, int to, int frequencyHz)
    {
        short[] input = AudioEdit.Sine(from, 1000, frequencyHz, 10000);

        short[] output = ResampleInFrames(new Resampler(from, to), input, from / 50);

        double gainDb = 20 * Math.Log10(ToneAnalysis.Amplitude(output.AsSpan(Settle, to / 2), to, frequencyHz) / 10000);
        Assert.InRange(gainDb, -0.1, 0.1);
    }

    [Fact]
    public void UpsamplingSuppressesTheSpectralImage()
    {
        short[] input = AudioEdit.Sine(8000, 1000, 1000, 20000);

        short[] output = ResampleInFrames(new Resampler(8000, 16000), input, 160);

        // Zero-stuffing mirrors 1 kHz to 7 kHz; the interpolation filter must remove it.
        ReadOnlySpan<short> steady = output.AsSpan(Settle, 8000);
        double imageDb = 20 * Math.Log10(ToneAnalysis.Amplitude(steady, 16000, 7000) / ToneAnalysis.Amplitude(steady, 16000, 1000));
        Assert.True(imageDb < -60, $"image only {imageDb:F1} dB down");
    }

    [Theory]
    [InlineData(8000, 16000)]
    [InlineData(16000, 8000)]
    public void StreamingFrameByFrameEqualsOneShot(int from, int to)
    {
        short[] input = AudioEdit.Mix(AudioEdit.Sine(from, 700, 440, 8000), AudioEdit.Sine(from, 700, 3100, 6000), AudioEdit.Sine(from, 700, 3900, 9000));
        var oneShot = new short[input.Length * to / from];
        Assert.Equal(oneShot.Length, new Resampler(from, to).Process(input, oneShot));

        short[] streamed = ResampleInFrames(new Resampler(from, to), input, from / 50);

        Assert.Equal(oneShot, streamed);
    }

    [Fact]
    public void DownsamplingInOddSizedChunksEqualsOneShot()
    {
        short[] input = AudioEdit.Sine(16000, 300, 1234, 12000);
        var oneShot = new short[input.Length / 2];
        new Resampler(16000, 8000).Process(input, oneShot);

        var resampler = new Resampler(16000, 8000);
        var streamed = new List<short>();
        var buffer = new short[64];
        int[] sizes = [1, 7, 33, 2, 101, 5];
        for (int offset = 0, k = 0; offset < input.Length; k++)
        {
            int size = Math.Min(sizes[k % sizes.Length], input.Length - offset);
            int written = resampler.Process(input.AsSpan(offset, size), buffer);
            streamed.AddRange(buffer.AsSpan(0, written).ToArray());
            offset += size;
        }

        Assert.Equal(oneShot, streamed);
    }

    [Fact]
    public void UpThenDownReturnsTheOriginalSpeechBandSignal()
    {
        short[] input = AudioEdit.Mix(AudioEdit.Sine(8000, 500, 500, 6000), AudioEdit.Sine(8000, 500, 2000, 6000));

        short[] up = ResampleInFrames(new Resampler(8000, 16000), input, 160);
        short[] back = ResampleInFrames(new Resampler(16000, 8000), up, 320);

        // Both filters delay by 16 input samples (2 ms) in total; compare after that.
        const int delay = 31;
        double error = 0, signal = 0;
        for (int i = Settle; i < input.Length - delay; i++)
        {
            signal += (double)input[i] * input[i];
            error += (double)(back[i + delay] - input[i]) * (back[i + delay] - input[i]);
        }

        Assert.True(10 * Math.Log10(error / signal) < -40, "round trip reproduces the input");
    }

    [Fact]
    public void SameRateCopiesTheInput()
    {
        short[] input = AudioEdit.Sine(8000, 20, 1000, 5000);
        var output = new short[input.Length];

        Assert.Equal(input.Length, new Resampler(8000, 8000).Process(input, output));
        Assert.Equal(input, output);
    }

    [Fact]
    public void UnsupportedRateIsRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Resampler(44100, 8000));
    }

    [Fact]
    public void TooSmallOutputIsRejected()
    {
        Assert.Throws<ArgumentException>(() => new Resampler(8000, 16000).Process(new short[160], new short[319]));
    }

    private static short[] ResampleInFrames(Resampler resampler, short[] input, int frame)
    {
        var output = new List<short>();
        var buffer = new short[frame * 2];
        for (int offset = 0; offset < input.Length; offset += frame)
        {
            int written = resampler.Process(input.AsSpan(offset, Math.Min(frame, input.Length - offset)), buffer);
            output.AddRange(buffer.AsSpan(0, written).ToArray());
        }

        return output.ToArray();
    }
}
