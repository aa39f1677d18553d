using VoiceAgent.Speech.Echo;
using VoiceAgent.Tests.TestSupport.Audio;

namespace VoiceAgent.Tests.Speech.Echo;

/// <summary>
/// A path found in line noise is resolved on what the filter removes of the echo above the noise (seventh session): a
/// −20 dB echo over −50 dBFS noise is only a few dB above it, so even a filter that takes most of it out shows under the
/// 6 dB of plain ERLE that used to be required, and barge-in waited the whole 1 s hold (the matrix's 60 ms −20 dB
/// mid-reply noise moving cell). The rule on powers, and the canceller's figure on frames of audio; no sockets.
/// </summary>
public sealed class NoiseLimitedErleTests
{
    private const int Rate = 8000;
    private const int Frame = Rate / 50;

    /// <summary>What we played: white noise at −20 dBFS in 300 ms bursts with 200 ms pauses (speech-like, so the line's noise shows in the pauses).</summary>
    private static short[] Played(int milliseconds)
    {
        var played = SyntheticVoice.Noise(Rate, milliseconds, -20, seed: 11);
        for (var at = 0; at < played.Length; at += Rate / 2)
            Array.Clear(played, at + 3 * Rate / 10, Math.Min(Rate / 5, Math.Max(played.Length - at - 3 * Rate / 10, 0)));
        return played;
    }

    private static short[] Line(short[] played, double gainDb, double noiseDbfs)
    {
        var echo = AudioEdit.Fit(AudioEdit.Gain(AudioEdit.Delay(played, Rate, 60), gainDb), played.Length);
        return AudioEdit.Mix(echo, SyntheticVoice.Noise(Rate, played.Length * 1000 / Rate, noiseDbfs, seed: 5));
    }

    // Powers in the canceller's units (mean square of 16-bit samples): -50 dBFS of noise is about 1.07e4.
    private const float Noise = 1.07e4f;

    [Fact]
    public void A_filter_that_takes_a_minus_20_dB_echo_in_noise_6_dB_down_above_the_noise_resolves_the_path_under_6_dB_of_plain_erle()
    {
        // The echo stands 9 dB over the noise (8 × noise); the filter leaves 1.5 × noise of it: 7.3 dB off the echo,
        // yet near / left is only 9 / 2.5 = 5.6 dB, and what it leaves is 4 dB over the noise.
        float near = 9 * Noise, left = 2.5f * Noise;

        Assert.True(EchoPathResolution.ErleDb(near, left) < EchoCanceller.MinErleDb);
        Assert.True(EchoPathResolution.NoiseLimitedErleDb(near, left, Noise) >= EchoCanceller.MinErleDb);
        Assert.True(EchoPathResolution.Resolved(EchoPathResolution.FreshFrames, near, left, Noise));
    }

    [Fact]
    public void A_filter_that_removes_little_of_the_echo_above_the_noise_leaves_the_path_unresolved()
    {
        // A wrong lag: of an echo 9 dB over the noise it takes off 2 dB.
        float near = 9 * Noise, left = Noise + 8 * Noise / 1.6f;

        Assert.True(EchoPathResolution.NoiseLimitedErleDb(near, left, Noise) < EchoCanceller.MinErleDb);
        Assert.False(EchoPathResolution.Resolved(EchoPathResolution.FreshFrames, near, left, Noise));
    }

    [Fact]
    public void Without_enough_fresh_frames_nothing_is_resolved()
    {
        Assert.False(EchoPathResolution.Resolved(EchoPathResolution.FreshFrames - 1, 9 * Noise, Noise, Noise));
    }

    [Fact]
    public void Nothing_above_the_noise_gives_no_noise_limited_erle_and_nothing_left_above_it_an_infinite_one()
    {
        Assert.Equal(0, EchoPathResolution.NoiseLimitedErleDb(Noise, Noise, Noise));
        Assert.Equal(double.PositiveInfinity, EchoPathResolution.NoiseLimitedErleDb(9 * Noise, Noise, Noise));
    }

    [Fact]
    public void On_a_clean_line_the_noise_limited_erle_is_the_plain_erle()
    {
        var played = Played(3000);
        var line = Line(played, -12, -90);
        var canceller = new EchoCanceller(Rate);
        for (var at = 0; at + Frame <= played.Length; at += Frame)
            canceller.Process(played.AsSpan(at, Frame), line.AsSpan(at, Frame));

        Assert.True(canceller.ErleDb >= EchoCanceller.MinErleDb, $"ERLE {canceller.ErleDb:0.0} dB");
        Assert.InRange(canceller.NoiseLimitedErleDb - canceller.ErleDb, 0, 0.5);
    }

    [Fact]
    public void Before_any_echo_path_there_is_no_noise_limited_erle()
    {
        var played = Played(2000);
        var line = SyntheticVoice.Noise(Rate, 2000, -50, seed: 5); // the line does not echo
        var canceller = new EchoCanceller(Rate);
        for (var at = 0; at + Frame <= played.Length; at += Frame)
            canceller.Process(played.AsSpan(at, Frame), line.AsSpan(at, Frame));

        Assert.False(canceller.Active);
        Assert.Equal(0, canceller.NoiseLimitedErleDb);
    }
}
