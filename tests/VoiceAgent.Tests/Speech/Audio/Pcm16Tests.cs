using VoiceAgent.Speech.Audio;
using VoiceAgent.Tests.TestSupport.Audio;

namespace VoiceAgent.Tests.Speech.Audio;

public class Pcm16Tests
{
    [Fact]
    public void ToSamplesReadsLittleEndian()
    {
        byte[] bytes = [0x34, 0x12, 0xFF, 0xFF, 0x00, 0x80, 0xFF, 0x7F];
        var samples = new short[4];

        Pcm16.ToSamples(bytes, samples);

        Assert.Equal(new short[] { 0x1234, -1, short.MinValue, short.MaxValue }, samples);
    }

    [Fact]
    public void ToBytesWritesLittleEndianAndInvertsToSamples()
    {
        short[] samples = [0x1234, -1, short.MinValue, short.MaxValue, 0];
        var bytes = new byte[10];

        Pcm16.ToBytes(samples, bytes);
        var back = new short[5];
        Pcm16.ToSamples(bytes, back);

        Assert.Equal(new byte[] { 0x34, 0x12, 0xFF, 0xFF, 0x00, 0x80, 0xFF, 0x7F, 0x00, 0x00 }, bytes);
        Assert.Equal(samples, back);
    }

    [Fact]
    public void ToSamplesRejectsAnOddByteCount()
    {
        Assert.Throws<ArgumentException>(() => Pcm16.ToSamples(new byte[641], new short[321]));
    }

    [Fact]
    public void DbfsOfAFullScaleSineIsMinusThree()
    {
        short[] sine = AudioEdit.Sine(16000, 20, 1000, 32767);

        Assert.Equal(-3.01, Pcm16.Dbfs(sine), 2);
    }

    [Fact]
    public void DbfsOfAHalfScaleSquareWaveIsMinusSix()
    {
        short[] square = Enumerable.Range(0, 320).Select(i => (short)(i % 20 < 10 ? 16384 : -16384)).ToArray();

        Assert.Equal(16384, Pcm16.Rms(square), 6);
        Assert.Equal(-6.02, Pcm16.Dbfs(square), 2);
    }

    [Fact]
    public void DbfsOfDigitalSilenceIsTheSilenceFloor()
    {
        Assert.Equal(Pcm16.SilenceDbfs, Pcm16.Dbfs(new short[320]));
        Assert.Equal(Pcm16.SilenceDbfs, Pcm16.Dbfs(ReadOnlySpan<short>.Empty));
    }
}
