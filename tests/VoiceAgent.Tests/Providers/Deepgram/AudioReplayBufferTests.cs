using System.Buffers;
using VoiceAgent.Providers.Deepgram;

namespace VoiceAgent.Tests.Providers.Deepgram;

public sealed class AudioReplayBufferTests
{
    private static AudioChunk Chunk(long position, int length = 160) => new(ArrayPool<byte>.Shared.Rent(length), length, position);

    [Fact]
    public void AddDropsTheOldestChunksBeyondCapacity()
    {
        var buffer = new AudioReplayBuffer(capacityBytes: 480, retainsSentAudio: true);

        for (var i = 0; i < 5; i++) buffer.Add(Chunk(i * 160));

        Assert.Equal(3, buffer.Count);
        Assert.Equal(480, buffer.BufferedBytes);
        Assert.Equal(320, buffer.FirstPosition);
        buffer.Clear();
    }

    [Fact]
    public void TrimThroughDropsChunksAFinalResultCovered()
    {
        var buffer = new AudioReplayBuffer(capacityBytes: 16_000, retainsSentAudio: true);
        for (var i = 0; i < 4; i++) buffer.Add(Chunk(i * 160));

        buffer.TrimThrough(400); // the chunk 320..480 is only partly covered, so it stays

        Assert.Equal(320, buffer.FirstPosition);
        Assert.Equal(2, buffer.Count);
        buffer.Clear();
        Assert.Equal(0, buffer.BufferedBytes);
    }
}
