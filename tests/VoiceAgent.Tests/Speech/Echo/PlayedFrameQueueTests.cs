using VoiceAgent.Speech.Echo;

namespace VoiceAgent.Tests.Speech.Echo;

public sealed class PlayedFrameQueueTests
{
    [Fact]
    public void Frames_come_out_in_the_order_they_were_played_then_silence()
    {
        var queue = new PlayedFrameQueue(2);
        queue.Add([1, 2]);
        queue.Add([3, 4]);

        Assert.Equal([1, 2], queue.Take().ToArray());
        Assert.Equal([3, 4], queue.Take().ToArray());
        Assert.Equal([0, 0], queue.Take().ToArray());
    }

    [Fact]
    public void A_clear_drops_what_the_carrier_had_not_played()
    {
        var queue = new PlayedFrameQueue(1);
        queue.Add([5]);
        queue.Clear();

        Assert.Equal([0], queue.Take().ToArray());
    }

    [Fact]
    public void When_nothing_takes_frames_the_oldest_are_dropped_at_capacity()
    {
        var queue = new PlayedFrameQueue(1, capacity: 2);
        queue.Add([1]);
        queue.Add([2]);
        queue.Add([3]);

        Assert.Equal(2, queue.Count);
        Assert.Equal([2], queue.Take().ToArray());
    }
}
