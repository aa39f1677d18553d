using VoiceAgent.Speech.Audio;

namespace VoiceAgent.Tests.Speech.Audio;

public class AudioFrameAssemblerTests
{
    [Fact]
    public void ArbitraryChunksAreReframedIntoExactFramesInOrder()
    {
        var assembler = AudioFrameAssembler.ForMuLaw8k();
        byte[] stream = Enumerable.Range(0, 1000).Select(i => (byte)(i * 7)).ToArray();
        int[] chunkSizes = [1, 7, 159, 161, 320, 3, 200, 149];

        var frames = new List<byte[]>();
        int offset = 0;
        foreach (int size in chunkSizes)
        {
            ReadOnlySpan<byte> rest = stream.AsSpan(offset, size);
            offset += size;
            while (assembler.TryTakeFrame(ref rest, out ReadOnlySpan<byte> frame))
            {
                frames.Add(frame.ToArray());
            }

            Assert.True(rest.IsEmpty);
        }

        Assert.Equal(1000 / 160, frames.Count);
        Assert.All(frames, f => Assert.Equal(160, f.Length));
        Assert.Equal(stream.AsSpan(0, frames.Count * 160).ToArray(), frames.SelectMany(f => f).ToArray());
        Assert.Equal(1000 % 160, assembler.BufferedBytes);
    }

    [Fact]
    public void FlushPadsTheLastMuLawFrameWithMuLawSilence()
    {
        var assembler = AudioFrameAssembler.ForMuLaw8k();
        ReadOnlySpan<byte> rest = new byte[] { 1, 2, 3 };
        Assert.False(assembler.TryTakeFrame(ref rest, out _));

        Assert.True(assembler.TryFlush(out ReadOnlySpan<byte> frame));

        Assert.Equal(160, frame.Length);
        Assert.Equal(new byte[] { 1, 2, 3 }, frame[..3].ToArray());
        Assert.All(frame[3..].ToArray(), b => Assert.Equal(0xFF, b));
        Assert.Equal(0, assembler.BufferedBytes);
    }

    [Fact]
    public void FlushPadsTheLastPcmFrameWithZeros()
    {
        var assembler = AudioFrameAssembler.ForPcm16(16000);
        ReadOnlySpan<byte> rest = Enumerable.Repeat((byte)0x55, 700).ToArray();
        Assert.True(assembler.TryTakeFrame(ref rest, out _));
        Assert.False(assembler.TryTakeFrame(ref rest, out _));

        Assert.True(assembler.TryFlush(out ReadOnlySpan<byte> frame));

        Assert.Equal(640, frame.Length);
        Assert.All(frame[..60].ToArray(), b => Assert.Equal(0x55, b));
        Assert.All(frame[60..].ToArray(), b => Assert.Equal(0, b));
    }

    [Fact]
    public void FlushWithNothingHeldGivesNoFrame()
    {
        var assembler = AudioFrameAssembler.ForPcm16(8000);
        ReadOnlySpan<byte> rest = new byte[320];
        Assert.True(assembler.TryTakeFrame(ref rest, out _));

        Assert.False(assembler.TryFlush(out _));
    }

    [Theory]
    [InlineData(8000, 320)]
    [InlineData(16000, 640)]
    public void PcmFramesAreTwentyMilliseconds(int sampleRate, int bytes)
    {
        Assert.Equal(bytes, AudioFrameAssembler.ForPcm16(sampleRate).FrameBytes);
        Assert.Equal(160, AudioFrameAssembler.ForMuLaw8k().FrameBytes);
    }

    [Fact]
    public void ResetDropsTheHeldPartialFrame()
    {
        var assembler = AudioFrameAssembler.ForMuLaw8k();
        ReadOnlySpan<byte> rest = new byte[100];
        assembler.TryTakeFrame(ref rest, out _);

        assembler.Reset();

        Assert.Equal(0, assembler.BufferedBytes);
        Assert.False(assembler.TryFlush(out _));
    }
}
