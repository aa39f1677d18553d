namespace VoiceAgent.Cli.Bench.Outside;

/// <summary>One frame the server sent to an emulated Media Streams caller: its event, arrival time and (for a mark) its name.</summary>
internal readonly record struct ArrivedFrame(string Event, TimeSpan At, string? Mark = null);

/// <summary>How one call's outbound audio would have played at the carrier.</summary>
/// <param name="Replies">Replies seen (runs of media ended by a reply's last mark or a clear).</param>
/// <param name="Frames">Media frames received.</param>
/// <param name="Underruns">Times the caller's playback ran dry inside a reply: a 20 ms frame was due and nothing had arrived.</param>
/// <param name="SilenceMs">Total silence those underruns put into replies.</param>
/// <param name="DelayVariationMs">Per frame after each reply's first: how much later than its place on the reply's real-time schedule it arrived.</param>
internal sealed record PlayoutFigures(int Replies, int Frames, int Underruns, double SilenceMs, double[] DelayVariationMs);

/// <summary>
/// Replays the arrival times of a call's media frames through the carrier's jitter buffer, as Twilio plays them: the
/// line plays one 20 ms frame per tick (ticks every 20 ms from the stream's start); a reply's first frame plays on the
/// first tick after it arrived, each later frame right after the one before, if it has arrived by then. If it has not,
/// the caller hears silence until the tick after it arrives: an underrun. Arrival times (not the emulated line's own,
/// possibly late, wake-ups) decide, so a slow load generator does not hide or invent gaps.
/// </summary>
/// <remarks>
/// A reply ends at its last mark (our server names it <c>…end</c>) or at a <c>clear</c>; the silence between replies is
/// not an underrun. Frame delay variation follows ITU-T Y.1540's PDV against the minimum: frame k of a reply arriving at
/// <c>a(k)</c> has <c>d(k) = a(k) − k × 20 ms</c>, and its variation is <c>d(k) − min d(0..k)</c>, so the burst at a
/// reply's start (frames ahead of real time) counts as zero and a frame late against the pace counts its lateness.
/// </remarks>
internal static class PlayoutAnalysis
{
    private const double FrameMs = 20;

    public static PlayoutFigures Analyze(IEnumerable<ArrivedFrame> frames)
    {
        var variation = new List<double>();
        int replies = 0, count = 0, underruns = 0, index = 0;
        double silence = 0, playEnd = 0, minDelay = 0;
        var inReply = false;
        foreach (var frame in frames)
        {
            switch (frame.Event)
            {
                case "media":
                    count++;
                    var at = frame.At.TotalMilliseconds;
                    if (!inReply)
                    {
                        inReply = true;
                        replies++;
                        index = 0;
                        playEnd = NextTick(at) + FrameMs;
                        minDelay = at;
                        break;
                    }
                    index++;
                    if (at > playEnd)
                    {
                        underruns++;
                        var resumes = NextTick(at);
                        silence += resumes - playEnd;
                        playEnd = resumes + FrameMs;
                    }
                    else playEnd += FrameMs;
                    var delay = at - FrameMs * index;
                    if (delay < minDelay) minDelay = delay;
                    variation.Add(delay - minDelay);
                    break;
                case "mark" when frame.Mark is { } name && name.EndsWith("end", StringComparison.Ordinal):
                case "clear":
                    inReply = false;
                    break;
            }
        }
        return new PlayoutFigures(replies, count, underruns, silence, [.. variation]);
    }

    private static double NextTick(double ms) => Math.Ceiling(ms / FrameMs) * FrameMs;
}
