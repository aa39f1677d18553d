using VoiceAgent.Speech.Vad;

namespace VoiceAgent.Tests.Speech.Vad;

public class SpeechSegmenterTests
{
    private const float Level = -20f;

    [Fact]
    public void TenFramesOfSpeechEvidenceStartSpeechDatedFromTheFirst()
    {
        var segmenter = new SpeechSegmenter(new VadOptions(), 20);
        var events = Feed(segmenter, 5, speech: false).Concat(FeedVarying(segmenter, 10, startAt: 5)).ToList();

        VadEvent started = Assert.Single(events);
        Assert.Equal(VadEventKind.SpeechStarted, started.Kind);
        Assert.Equal(TimeSpan.FromMilliseconds(100), started.Timestamp);
        Assert.Equal(TimeSpan.FromMilliseconds(300), started.DetectedAt);
        Assert.True(segmenter.IsSpeaking);
    }

    [Fact]
    public void NineFramesOfSpeechEvidenceDoNotStartSpeech()
    {
        var segmenter = new SpeechSegmenter(new VadOptions(), 20);

        var events = FeedVarying(segmenter, 9, startAt: 0).Concat(Feed(segmenter, 50, speech: false, startAt: 9)).ToList();

        Assert.Empty(events);
        Assert.False(segmenter.IsSpeaking);
    }

    [Fact]
    public void HangoverOfSilenceEndsSpeechDatedFromTheLastSpeechFrame()
    {
        var segmenter = new SpeechSegmenter(new VadOptions { HangoverMs = 500 }, 20);
        FeedVarying(segmenter, 20, startAt: 0).ToList();

        var events = Feed(segmenter, 30, speech: false, startAt: 20).ToList();

        VadEvent ended = Assert.Single(events);
        Assert.Equal(VadEventKind.SpeechEnded, ended.Kind);
        Assert.Equal(TimeSpan.FromMilliseconds(400), ended.Timestamp);
        Assert.Equal(TimeSpan.FromMilliseconds(900), ended.DetectedAt);
    }

    [Fact]
    public void SilenceShorterThanTheHangoverKeepsSpeechGoing()
    {
        var segmenter = new SpeechSegmenter(new VadOptions { HangoverMs = 500 }, 20);
        FeedVarying(segmenter, 20, startAt: 0).ToList();

        var events = Feed(segmenter, 24, speech: false, startAt: 20).Concat(FeedVarying(segmenter, 5, startAt: 44)).ToList();

        Assert.Empty(events);
        Assert.True(segmenter.IsSpeaking);
    }

    [Fact]
    public void ContinueEvidenceWithoutStartEvidenceHoldsTheOnsetBudget()
    {
        var segmenter = new SpeechSegmenter(new VadOptions(), 20);
        FeedVarying(segmenter, 5, startAt: 0).ToList();
        for (int f = 5; f < 40; f++)
        {
            Assert.False(segmenter.Update(f, startEvidence: false, continueEvidence: true, Level).HasValue);
        }

        var events = FeedVarying(segmenter, 5, startAt: 40).ToList();

        Assert.Equal(VadEventKind.SpeechStarted, Assert.Single(events).Kind);
        Assert.Equal(TimeSpan.Zero, events[0].Timestamp);
    }

    [Fact]
    public void QuietFramesDrainTheOnsetBudgetAtHalfRate()
    {
        var segmenter = new SpeechSegmenter(new VadOptions(), 20);

        // 6 frames in (120 ms), 4 quiet frames drain 40 ms, so 5 more frames (100 ms) leave it at 180 ms and a sixth reaches 200 ms.
        FeedVarying(segmenter, 6, startAt: 0).ToList();
        Feed(segmenter, 4, speech: false, startAt: 6).ToList();
        Assert.Empty(FeedVarying(segmenter, 5, startAt: 10));

        Assert.Equal(VadEventKind.SpeechStarted, Assert.Single(FeedVarying(segmenter, 1, startAt: 15)).Kind);
    }

    [Fact]
    public void PerfectlySteadyRunIsATone()
    {
        var segmenter = new SpeechSegmenter(new VadOptions(), 20);

        var events = new List<VadEvent>();
        for (int f = 0; f < 100; f++)
        {
            VadEvent e = segmenter.Update(f, startEvidence: true, continueEvidence: true, Level + (0.1f * (f % 3)));
            if (e.HasValue)
            {
                events.Add(e);
            }
        }

        Assert.Empty(events);
        Assert.False(segmenter.IsSpeaking);
    }

    private static IEnumerable<VadEvent> Feed(SpeechSegmenter segmenter, int frames, bool speech, int startAt = 0)
    {
        for (int f = startAt; f < startAt + frames; f++)
        {
            VadEvent e = segmenter.Update(f, speech, speech, Level);
            if (e.HasValue)
            {
                yield return e;
            }
        }
    }

    /// <summary>Speech evidence with a level that swells and fades like a syllable.</summary>
    private static List<VadEvent> FeedVarying(SpeechSegmenter segmenter, int frames, int startAt)
    {
        var events = new List<VadEvent>();
        for (int f = startAt; f < startAt + frames; f++)
        {
            VadEvent e = segmenter.Update(f, true, true, Level - (3f * (f % 4)));
            if (e.HasValue)
            {
                events.Add(e);
            }
        }

        return events;
    }
}
