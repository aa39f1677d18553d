using VoiceAgent.Speech.Echo;
using VoiceAgent.Tests.TestSupport.Audio;

namespace VoiceAgent.Tests.Speech.Echo;

/// <summary>
/// Double talk on generated audio, frame by frame through the canceller (no sockets, no clock: time is samples): a caller
/// 6 dB above the echo at each matrix gain is double talk, echo alone never is, and the filter comes out of double talk
/// as good as it went in.
/// </summary>
public sealed class DoubleTalkDetectorTests
{
    private const int Rate = 8000;
    private const int Frame = Rate / 50;
    private const int ReplyMs = 7000;
    private const int CallerFromMs = 4000;
    private const int CallerMs = 1500;

    public static TheoryData<double, bool> Gains()
    {
        var data = new TheoryData<double, bool>();
        foreach (var gain in new[] { -20.0, -12, -6 })
            foreach (var noise in new[] { false, true })
                data.Add(gain, noise);
        return data;
    }

    private static short[] Played() => SyntheticVoice.Render(Rate, ReplyMs, seed: 11);

    private static short[] Echo(short[] played, double gainDb, bool noise)
    {
        var echo = AudioEdit.Fit(AudioEdit.Gain(AudioEdit.Delay(played, Rate, 60), gainDb), played.Length);
        return noise ? AudioEdit.Mix(echo, AudioEdit.Fit(SyntheticVoice.Noise(Rate, ReplyMs, -50, seed: 5), played.Length)) : echo;
    }

    /// <summary>The caller's voice, 6 dB above the echo's voiced level, from <see cref="CallerFromMs"/>, as a whole-length track.</summary>
    private static short[] Caller(double gainDb, int length)
    {
        var voice = AudioEdit.Gain(SyntheticVoice.Render(Rate, CallerMs, seed: 77, pitchLow: 160, pitchHigh: 260), gainDb + 6);
        return AudioEdit.Fit(AudioEdit.Concat(AudioEdit.Silence(Rate, CallerFromMs), voice), length);
    }

    [Theory]
    [MemberData(nameof(Gains))]
    public void A_caller_6_dB_above_the_echo_is_double_talk_at_each_matrix_gain(double gainDb, bool noise)
    {
        var played = Played();
        var caller = Caller(gainDb, played.Length);
        var inbound = AudioEdit.Mix(Echo(played, gainDb, noise), caller);
        var canceller = new EchoCanceller(Rate);
        int voicedFrames = 0, doubleTalkFrames = 0;
        for (var at = 0; at + Frame <= played.Length; at += Frame)
        {
            canceller.Process(played.AsSpan(at, Frame), inbound.AsSpan(at, Frame));
            // Frames where the caller's own voice is at full level (not the fades or pauses between syllables).
            if (AudioEdit.RmsDbfs(caller.AsSpan(at, Frame)) < gainDb - 20 + 6 - 3) continue;
            voicedFrames++;
            if (canceller.DoubleTalk) doubleTalkFrames++;
        }

        Assert.True(voicedFrames > 20, $"only {voicedFrames} voiced caller frames");
        Assert.True(doubleTalkFrames >= 0.8 * voicedFrames, $"{doubleTalkFrames} of {voicedFrames} voiced caller frames judged double talk");
    }

    [Theory]
    [MemberData(nameof(Gains))]
    public void Echo_alone_is_never_double_talk(double gainDb, bool noise)
    {
        var played = Played();
        var inbound = Echo(played, gainDb, noise);
        var canceller = new EchoCanceller(Rate);
        var doubleTalkFrames = 0;
        for (var at = 0; at + Frame <= played.Length; at += Frame)
        {
            canceller.Process(played.AsSpan(at, Frame), inbound.AsSpan(at, Frame));
            if (canceller.DoubleTalk) doubleTalkFrames++;
        }

        Assert.NotNull(canceller.DelayMs); // the echo was found, so the detector was judging
        Assert.Equal(0, doubleTalkFrames);
    }

    [Theory]
    [MemberData(nameof(Gains))]
    public void The_filter_does_not_diverge_while_a_caller_talks_over_the_echo(double gainDb, bool noise)
    {
        var played = Played();
        var echo = Echo(played, gainDb, noise);
        var inbound = AudioEdit.Mix(echo, Caller(gainDb, played.Length));
        // The linear filter alone, so its output shows what it has learned.
        var canceller = new EchoCanceller(Rate, residualSuppression: false);
        var output = (short[])inbound.Clone();
        for (var at = 0; at + Frame <= played.Length; at += Frame)
            canceller.Process(played.AsSpan(at, Frame), output.AsSpan(at, Frame));

        // Echo taken out just before the caller and in the first 500 ms after (the output also carries the line noise).
        var before = Reduction(echo, output, CallerFromMs - 1000, 1000);
        var after = Reduction(echo, output, CallerFromMs + CallerMs + 100, 500);
        // A filter trained on the caller would add their colouring back and lose most of what it had learned (or make
        // the echo louder); one frozen through the double talk keeps at least half its cancellation (in dB).
        Assert.True(before > 0, $"the filter took nothing off the echo before the caller spoke ({before:0.0} dB)");
        Assert.True(after >= before / 2, $"echo taken down by {before:0.0} dB before the caller, {after:0.0} dB after");
    }

    private static double Reduction(short[] echo, short[] output, int fromMs, int lengthMs)
    {
        var range = new Range(fromMs * Rate / 1000, (fromMs + lengthMs) * Rate / 1000);
        return AudioEdit.RmsDbfs(echo.AsSpan(range)) - AudioEdit.RmsDbfs(output.AsSpan(range));
    }
}
