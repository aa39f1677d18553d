using VoiceAgent.Speech.Echo;

namespace VoiceAgent.Tests.Speech.Echo;

/// <summary>
/// The caller hold (sixth session): once double talk has held 100 ms in a row the caller is proven, and for 500 ms after
/// their last double-talk frame a quieter syllable only 3 dB over the echo the path predicts is still theirs — double
/// talk again for the detector, neither cut nor learned from by the residual suppressor. Scalar frames, no sockets.
/// </summary>
public sealed class CallerHoldTests
{
    private const float Noise = 100f;
    private const float PathEcho = 1e5f;

    /// <summary>A detector that has tracked the line's noise (frames before any path).</summary>
    private static DoubleTalkDetector DetectorOnNoise()
    {
        var detector = new DoubleTalkDetector();
        for (var i = 0; i < 20; i++) detector.Update(Noise, 0, 0, valid: false);
        return detector;
    }

    /// <summary>A caller 10 dB over the echo the path predicts, nothing of it explained by the filter's estimate.</summary>
    private static bool LoudCaller(DoubleTalkDetector detector) => detector.Update(10 * PathEcho, 0, 1e4f, valid: true, PathEcho);

    /// <summary>A syllable 4 dB over the echo the path predicts: under the 6 dB that starts double talk, over the 3 dB that holds it.</summary>
    private static void QuieterSyllable(DoubleTalkDetector detector) => detector.Update(2.5f * PathEcho, 0, 1e4f, valid: true, PathEcho);

    private static void Pause(DoubleTalkDetector detector, int frames)
    {
        for (var i = 0; i < frames; i++) detector.Update(Noise, 0, 0, valid: true, PathEcho / 100);
    }

    [Fact]
    public void A_syllable_4_dB_over_the_path_is_not_double_talk_without_a_proven_caller()
    {
        var detector = DetectorOnNoise();

        QuieterSyllable(detector);

        Assert.False(detector.LastFrame);
        Assert.False(detector.CallerRecent);
    }

    [Fact]
    public void Double_talk_for_100_ms_proves_the_caller_and_their_next_syllable_4_dB_over_the_path_is_double_talk()
    {
        var detector = DetectorOnNoise();
        for (var i = 0; i < DoubleTalkDetector.ProvenFrames; i++) LoudCaller(detector);
        Pause(detector, 10); // 200 ms between words

        QuieterSyllable(detector);

        Assert.True(detector.CallerRecent);
        Assert.True(detector.LastFrame);
    }

    [Fact]
    public void Double_talk_shorter_than_100_ms_proves_nothing()
    {
        var detector = DetectorOnNoise();
        for (var i = 0; i < DoubleTalkDetector.ProvenFrames - 1; i++) LoudCaller(detector);
        Pause(detector, 1);

        QuieterSyllable(detector);

        Assert.False(detector.CallerRecent);
        Assert.False(detector.LastFrame);
    }

    [Fact]
    public void The_hold_lapses_500_ms_after_the_last_double_talk_frame()
    {
        var detector = DetectorOnNoise();
        for (var i = 0; i < DoubleTalkDetector.ProvenFrames; i++) LoudCaller(detector);

        Pause(detector, DoubleTalkDetector.CallerHoldFrames);

        Assert.False(detector.CallerRecent);
        QuieterSyllable(detector);
        Assert.False(detector.LastFrame);
    }

    [Fact]
    public void A_path_change_ends_the_hold()
    {
        var detector = DetectorOnNoise();
        for (var i = 0; i < DoubleTalkDetector.ProvenFrames; i++) LoudCaller(detector);

        detector.Reset();

        Assert.False(detector.CallerRecent);
    }

    [Fact]
    public void The_suppressor_neither_cuts_nor_learns_from_a_likely_caller_frame()
    {
        var (suppressor, frame, echoPower) = SuppressorAtAFrameItWouldCut();
        var leak = suppressor.Leak;
        var before = frame.ToArray();

        suppressor.Process(frame, echoPower, doubleTalk: false, callerLikely: true);

        Assert.False(suppressor.Suppressed);
        Assert.Equal(before, frame);
        Assert.Equal(leak, suppressor.Leak);
    }

    [Fact]
    public void The_same_frame_without_a_likely_caller_is_cut()
    {
        var (suppressor, frame, echoPower) = SuppressorAtAFrameItWouldCut();

        suppressor.Process(frame, echoPower, doubleTalk: false);

        Assert.True(suppressor.Suppressed);
    }

    /// <summary>A suppressor on a quiet line and a loud frame no louder than the echo predicted for it (leak 1: a new path).</summary>
    private static (ResidualEchoSuppressor Suppressor, short[] Frame, float EchoPower) SuppressorAtAFrameItWouldCut()
    {
        var suppressor = new ResidualEchoSuppressor();
        var quiet = new short[160];
        for (var i = 0; i < quiet.Length; i++) quiet[i] = (short)(i % 2 == 0 ? 10 : -10);
        for (var i = 0; i < 10; i++) suppressor.Process(quiet.ToArray(), echoPower: 0, doubleTalk: true);
        suppressor.PathChanged();
        var frame = new short[160];
        for (var i = 0; i < frame.Length; i++) frame[i] = (short)Math.Round(3000 * Math.Sin(2 * Math.PI * 300 * i / 8000.0));
        return (suppressor, frame, 3000f * 3000f / 2);
    }
}
