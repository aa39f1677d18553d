using VoiceAgent.Speech.Echo;
using VoiceAgent.Tests.TestSupport.Audio;

namespace VoiceAgent.Tests.Speech.Echo;

/// <summary>
/// Adaptation freeze with hysteresis (seventh session): once the near end stood 6 dB over the echo the path predicts
/// (above the line's noise), the filter stays frozen while it stays 3 dB over it, so a caller whose syllables sit 3–6 dB
/// over the echo does not bend the filter towards them. A near end only 3–6 dB over the echo with no such start (a
/// path that got louder) is still learned. The canceller's ERLE averages move only on frames it adapts on, which is
/// what these tests watch. Frames of audio, no sockets.
/// </summary>
public sealed class AdaptationFreezeTests
{
    private const int Rate = 8000;
    private const int Frame = Rate / 50;
    private const int LearnMs = 2500;
    private const int TalkMs = 600;

    /// <summary>
    /// White noise played steadily at −20 dBFS, its echo at −12 dB / 60 ms; after <see cref="LearnMs"/> another voice
    /// (independent noise) joins the line: <paramref name="openingDb"/> over the echo for its first 60 ms, then
    /// <paramref name="holdDb"/> over it.
    /// </summary>
    private static (short[] Played, short[] Line) Call(double openingDb, double holdDb)
    {
        var total = LearnMs + TalkMs;
        var played = SyntheticVoice.Noise(Rate, total, -20, seed: 21);
        var echo = AudioEdit.Fit(AudioEdit.Gain(AudioEdit.Delay(played, Rate, 60), -12), played.Length);
        var echoDbfs = AudioEdit.RmsDbfs(echo.AsSpan(AudioEdit.SamplesFor(Rate, 500)));
        var voice = SyntheticVoice.Noise(Rate, TalkMs, 0, seed: 33);
        var opening = AudioEdit.ScaleTo(voice.AsSpan(0, 3 * Frame), echoDbfs + openingDb);
        var rest = AudioEdit.ScaleTo(voice.AsSpan(3 * Frame), echoDbfs + holdDb);
        var line = AudioEdit.Overlay(echo, AudioEdit.Concat(opening, rest), Rate, LearnMs);
        return (played, line);
    }

    /// <summary>The ERLE after each frame from the other voice's start on.</summary>
    private static List<double> ErleWhileTheyTalk(short[] played, short[] line)
    {
        var canceller = new EchoCanceller(Rate);
        var erle = new List<double>();
        for (var at = 0; at + Frame <= played.Length; at += Frame)
        {
            canceller.Process(played.AsSpan(at, Frame), line.AsSpan(at, Frame));
            if (at >= AudioEdit.SamplesFor(Rate, LearnMs) - Frame) erle.Add(canceller.ErleDb);
        }
        Assert.True(canceller.Active, "no echo path found");
        return erle;
    }

    [Fact]
    public void A_caller_who_began_10_dB_over_the_echo_and_goes_on_4_dB_over_it_teaches_the_filter_nothing()
    {
        var (played, line) = Call(openingDb: 10, holdDb: 4);

        var erle = ErleWhileTheyTalk(played, line);

        Assert.True(erle[0] >= EchoCanceller.MinErleDb, $"the filter had not learned the path: {erle[0]:0.0} dB");
        Assert.All(erle, e => Assert.Equal(erle[0], e));
    }

    [Fact]
    public void A_near_end_2_dB_over_the_echo_without_a_louder_start_is_still_learned_from()
    {
        var (played, line) = Call(openingDb: 2, holdDb: 2);

        var erle = ErleWhileTheyTalk(played, line);

        Assert.Contains(erle, e => e != erle[0]);
    }

    [Fact]
    public void The_freeze_ends_once_the_near_end_falls_back_under_3_dB_over_the_echo()
    {
        var (played, line) = Call(openingDb: 10, holdDb: -6);

        var erle = ErleWhileTheyTalk(played, line);

        Assert.Contains(erle, e => e != erle[0]);
    }
}
