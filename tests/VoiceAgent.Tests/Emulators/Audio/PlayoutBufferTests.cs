using VoiceAgent.Emulators.Audio;

namespace VoiceAgent.Tests.EmulatorsTests.Audio;

public class PlayoutBufferTests
{
    [Fact]
    public void Takes_across_segments_and_releases_markers_only_after_their_audio()
    {
        var buffer = new PlayoutBuffer<string>();
        buffer.EnqueueAudio(new byte[100]);
        buffer.EnqueueMarker("a");
        buffer.EnqueueAudio(new byte[100]);
        buffer.EnqueueMarker("b");
        var passed = new List<string>();
        var frame = new byte[160];

        Assert.Equal(160, buffer.Take(frame, passed));
        Assert.Equal(["a"], passed);                       // audio after "a" was taken in this frame
        Assert.False(buffer.TryDequeueLeadingMarker(out _)); // 40 bytes still ahead of "b"

        passed.Clear();
        Assert.Equal(40, buffer.Take(frame, passed));
        Assert.Empty(passed);                              // nothing followed "b": it stays at the head
        Assert.True(buffer.TryDequeueLeadingMarker(out var b));
        Assert.Equal("b", b);
        Assert.Equal(0, buffer.BufferedBytes);
    }

    [Fact]
    public void Clear_returns_discarded_bytes_and_markers_in_order()
    {
        var buffer = new PlayoutBuffer<string>();
        buffer.EnqueueAudio(new byte[500]);
        buffer.EnqueueMarker("x");
        buffer.EnqueueAudio(new byte[300]);
        buffer.EnqueueMarker("y");
        buffer.Take(new byte[160], []);
        var markers = new List<string>();

        Assert.Equal(640, buffer.Clear(markers));
        Assert.Equal(["x", "y"], markers);
        Assert.Equal(0, buffer.BufferedBytes);
        Assert.Equal(0, buffer.MarkerCount);
    }
}
