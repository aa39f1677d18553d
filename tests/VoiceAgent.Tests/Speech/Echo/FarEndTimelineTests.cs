using VoiceAgent.Speech.Echo;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.Speech.Echo;

/// <summary>
/// The far-end reference lined up on the carrier's clock (Media Streams' media timestamps, or Vonage's frame count):
/// what each inbound frame is paired with depends on where the carrier says it is, never on when it arrived.
/// 8 kHz frames of 160 samples; each sent frame is filled with its number so the pairing is visible.
/// </summary>
public sealed class FarEndTimelineTests
{
    private const int Rate = 8000;
    private const int Samples = 160;

    [Fact]
    public void A_frame_sent_is_the_reference_of_the_inbound_frame_stamped_where_it_plays()
    {
        var clock = new ManualTimeProvider();
        var start = clock.GetTimestamp();
        var timeline = new FarEndTimeline(Rate, clock.TimestampFrequency);
        // Inbound frames stamped 0 and 20 ms arrive 5 ms after their stamp: the carrier's clock is ours − 5 ms.
        timeline.Inbound(0, start + Ms(5));
        timeline.Inbound(20, start + Ms(25));
        // Sent at 30 ms ours (25 ms on the carrier's clock): it plays from the carrier's next 20 ms boundary, 40 ms.
        timeline.Sent(Frame(1), start + Ms(30));
        timeline.Sent(Frame(2), start + Ms(31)); // queued behind it: 60 ms

        Assert.Equal(0, First(timeline.Inbound(20, start + Ms(45)))); // a late duplicate of an earlier stamp: nothing played then
        Assert.Equal(1, First(timeline.Inbound(40, start + Ms(45))));
        Assert.Equal(2, First(timeline.Inbound(60, start + Ms(65))));
        Assert.Equal(0, First(timeline.Inbound(80, start + Ms(85))));
    }

    [Fact]
    public void Jittered_and_bursty_arrival_of_inbound_frames_does_not_move_the_alignment()
    {
        // The same call twice: the carrier stamps the same frames and we send the same audio at the same times; in the
        // second, inbound frames arrive late and in bursts (a 160 ms stall, then six at once, then 0–15 ms of jitter).
        var steady = Run(_ => 5);
        var bursty = Run(k => k is >= 5 and <= 12 ? 5 + (12 - k) * 20 : 5 + (k * 7) % 16);

        Assert.Equal(steady, bursty);
        // And it is right: frame n sent from 100 ms ours plays from 100 ms on the carrier's clock (it runs 5 ms behind ours,
        // so the sends land on the 100 ms boundary), one per 20 ms.
        Assert.Equal([0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0, 0, 0], steady);
    }

    [Fact]
    public void A_carrier_that_sends_nothing_while_the_line_is_silent_does_not_shift_the_reference()
    {
        var clock = new ManualTimeProvider();
        var start = clock.GetTimestamp();
        var timeline = new FarEndTimeline(Rate, clock.TimestampFrequency);
        timeline.Inbound(0, start + Ms(2));
        for (var n = 1; n <= 10; n++) timeline.Sent(Frame(n), start + Ms(3)); // plays 20..200 ms
        // Frames 20..100 ms never come (nothing to send); the next stamped one is at 120 ms: it pairs with what played then.
        Assert.Equal(6, First(timeline.Inbound(120, start + Ms(122))));
        Assert.Equal(7, First(timeline.Inbound(140, start + Ms(142))));
    }

    [Fact]
    public void A_clear_drops_what_was_queued_after_the_frame_playing_then()
    {
        var clock = new ManualTimeProvider();
        var start = clock.GetTimestamp();
        var timeline = new FarEndTimeline(Rate, clock.TimestampFrequency);
        timeline.Inbound(0, start);
        for (var n = 1; n <= 20; n++) timeline.Sent(Frame(n), start + Ms(1)); // plays 20..420 ms
        Assert.Equal(1, First(timeline.Inbound(20, start + Ms(20))));

        timeline.Cleared(start + Ms(45)); // the frame playing at 45 ms (40..60) finishes, the rest never plays
        timeline.Sent(Frame(7), start + Ms(44)); // left before the clear: the carrier dropped it with the rest

        Assert.Equal(2, First(timeline.Inbound(40, start + Ms(45))));
        Assert.Equal(0, First(timeline.Inbound(60, start + Ms(60))));
        Assert.Equal(0, First(timeline.Inbound(80, start + Ms(80))));
    }

    [Fact]
    public void After_a_clear_the_next_reply_plays_from_the_carriers_now_not_after_the_dropped_audio()
    {
        var clock = new ManualTimeProvider();
        var start = clock.GetTimestamp();
        var timeline = new FarEndTimeline(Rate, clock.TimestampFrequency);
        timeline.Inbound(0, start);
        for (var n = 1; n <= 50; n++) timeline.Sent(Frame(n), start + Ms(1)); // queued up to 1,020 ms
        timeline.Cleared(start + Ms(100));
        timeline.Sent(Frame(99), start + Ms(130)); // the next reply: plays from 140 ms

        Assert.Equal(0, First(timeline.Inbound(120, start + Ms(120))));
        Assert.Equal(99, First(timeline.Inbound(140, start + Ms(140))));
    }

    [Fact]
    public void Without_stamps_inbound_frames_are_counted_at_20_ms_each()
    {
        var clock = new ManualTimeProvider();
        var start = clock.GetTimestamp();
        var timeline = new FarEndTimeline(Rate, clock.TimestampFrequency);
        timeline.Inbound(null, start); // frame 0: 0 ms
        timeline.Sent(Frame(1), start + Ms(1)); // plays from 20 ms
        timeline.Sent(Frame(2), start + Ms(1));

        // Frame 1 and 2 arrive together, late: counted, they are still 20 and 40 ms.
        Assert.Equal(1, First(timeline.Inbound(null, start + Ms(90))));
        Assert.Equal(2, First(timeline.Inbound(null, start + Ms(90))));
        Assert.Equal(40, timeline.LastInboundMs);
    }

    [Fact]
    public void A_carrier_whose_buffer_ran_dry_plays_the_next_frame_at_once_not_after_the_last()
    {
        var clock = new ManualTimeProvider();
        var start = clock.GetTimestamp();
        var timeline = new FarEndTimeline(Rate, clock.TimestampFrequency);
        timeline.Inbound(0, start);
        timeline.Sent(Frame(1), start + Ms(1)); // 20..40 ms
        timeline.Sent(Frame(2), start + Ms(90)); // the buffer ran dry at 40 ms: plays from 100 ms

        Assert.Equal(1, First(timeline.Inbound(20, start + Ms(20))));
        Assert.Equal(0, First(timeline.Inbound(60, start + Ms(60))));
        Assert.Equal(0, First(timeline.Inbound(80, start + Ms(80))));
        Assert.Equal(2, First(timeline.Inbound(100, start + Ms(100))));
    }

    /// <summary>
    /// 20 inbound frames stamped k × 20 ms, frame k arriving <paramref name="lateMs"/>(k) after its stamp (never before);
    /// frames 1..12 sent one per 20 ms from 100 ms (ours), each just before the inbound frames due by then are handled.
    /// Returns the reference number paired with each inbound frame.
    /// </summary>
    private static int[] Run(Func<int, int> lateMs)
    {
        var clock = new ManualTimeProvider();
        var start = clock.GetTimestamp();
        var timeline = new FarEndTimeline(Rate, clock.TimestampFrequency);
        var events = new List<(int AtMs, int Order, Action<int[]> Do)>();
        for (var k = 0; k < 20; k++)
        {
            var frame = k;
            var at = k * 20 + lateMs(k);
            events.Add((at, 1, paired => paired[frame] = First(timeline.Inbound(frame * 20, start + Ms(at)))));
        }
        for (var n = 1; n <= 12; n++)
        {
            var number = n;
            var at = 100 + (n - 1) * 20;
            events.Add((at, 0, _ => timeline.Sent(Frame(number), start + Ms(at))));
        }
        var result = new int[20];
        foreach (var e in events.OrderBy(e => e.AtMs).ThenBy(e => e.Order)) e.Do(result);
        return result;
    }

    private static long Ms(int ms) => TimeSpan.FromMilliseconds(ms).Ticks;

    private static short[] Frame(int number) => Enumerable.Repeat((short)number, Samples).ToArray();

    private static int First(ReadOnlySpan<short> frame) => frame[0];
}
