using VoiceAgent.Speech.Echo;
using VoiceAgent.Tests.TestSupport.Audio;

namespace VoiceAgent.Tests.Speech.Echo;

/// <summary>The canceller on generated audio, frame by frame (no sockets, no clock: time is samples).</summary>
public sealed class EchoCancellerTests
{
    private static short[] Echo(short[] played, int rate, int delayMs, double gainDb, int fromMs = 0)
    {
        var echo = AudioEdit.Gain(AudioEdit.Delay(played, rate, delayMs), gainDb);
        Array.Clear(echo, 0, Math.Min(echo.Length, fromMs * rate / 1000));
        return AudioEdit.Fit(echo, played.Length);
    }

    private static (short[] Output, EchoCanceller Canceller) Run(short[] played, short[] inbound, int rate)
    {
        var canceller = new EchoCanceller(rate);
        var frame = rate / 50;
        var output = (short[])inbound.Clone();
        for (var at = 0; at + frame <= output.Length; at += frame)
            canceller.Process(played.AsSpan(at, frame), output.AsSpan(at, frame));
        return (output, canceller);
    }

    [Theory]
    [InlineData(8000)]
    [InlineData(16000)]
    public void The_echo_of_what_we_played_is_taken_down_by_at_least_15_dB(int rate)
    {
        var played = SyntheticVoice.Render(rate, 6000, seed: 3);
        var inbound = Echo(played, rate, 120, -12);

        var (output, canceller) = Run(played, inbound, rate);

        var tail = 2 * rate; // the last four seconds, after the first two to converge
        var before = AudioEdit.RmsDbfs(inbound.AsSpan(tail));
        var after = AudioEdit.RmsDbfs(output.AsSpan(tail));
        Assert.True(before - after >= 15, $"echo {before:0.0} dBFS → {after:0.0} dBFS");
        Assert.True(canceller.ErleDb >= 15, $"ERLE {canceller.ErleDb:0.0} dB");
    }

    [Theory]
    [InlineData(20)]
    [InlineData(60)]
    [InlineData(250)]
    [InlineData(400)]
    public void The_bulk_delay_is_found_anywhere_from_20_to_400_ms(int delayMs)
    {
        var played = SyntheticVoice.Render(8000, 3000, seed: 5);

        var (_, canceller) = Run(played, Echo(played, 8000, delayMs, -12), 8000);

        Assert.NotNull(canceller.DelayMs);
        Assert.InRange(canceller.DelayMs!.Value, delayMs - 2, delayMs + 2);
    }

    [Fact]
    public void An_echo_that_appears_mid_reply_is_found_within_half_a_second()
    {
        var played = SyntheticVoice.Render(8000, 4000, seed: 9);
        var inbound = Echo(played, 8000, 60, -12, fromMs: 2000);
        var canceller = new EchoCanceller(8000);
        var foundAtMs = -1;
        for (var at = 0; at + 160 <= played.Length && foundAtMs < 0; at += 160)
        {
            canceller.Process(played.AsSpan(at, 160), inbound.AsSpan(at, 160));
            if (canceller.Active) foundAtMs = (at + 160) / 8;
        }

        Assert.InRange(foundAtMs, 2000, 2500);
    }

    [Fact]
    public void A_caller_talking_over_the_echo_passes_through_at_their_own_level()
    {
        var played = SyntheticVoice.Render(8000, 6000, seed: 3);
        var caller = AudioEdit.Gain(SyntheticVoice.Render(8000, 1500, seed: 77, pitchLow: 160, pitchHigh: 260), -12 + 6);
        var inbound = AudioEdit.Mix(Echo(played, 8000, 120, -12), AudioEdit.Fit(AudioEdit.Concat(AudioEdit.Silence(8000, 4000), caller), played.Length));

        var (output, _) = Run(played, inbound, 8000);

        var callerPart = output.AsSpan(4000 * 8, 1500 * 8);
        // The residual suppressor may take down the caller's quietest frames under the loudest echo (about 3 dB of RMS
        // here); the caller's speech itself goes through.
        Assert.InRange(AudioEdit.RmsDbfs(callerPart) - AudioEdit.RmsDbfs(caller), -4, 1.5);
    }

    [Fact]
    public void Without_anything_played_the_audio_passes_untouched()
    {
        var inbound = SyntheticVoice.Render(8000, 2000, seed: 11);
        var (output, canceller) = Run(new short[inbound.Length], inbound, 8000);

        Assert.Equal(inbound, output);
        Assert.False(canceller.Active);
    }

    [Fact]
    public void What_the_filter_leaves_of_the_echo_is_brought_down_to_the_line_noise()
    {
        var played = SyntheticVoice.Render(8000, 6000, seed: 3);
        var noise = SyntheticVoice.Noise(8000, 6000, -60, seed: 4);
        var inbound = AudioEdit.Mix(Echo(played, 8000, 120, -6), noise);

        var (output, canceller) = Run(played, inbound, 8000);

        var tail = 2 * 8000;
        Assert.True(AudioEdit.RmsDbfs(output.AsSpan(tail)) <= AudioEdit.RmsDbfs(noise.AsSpan(tail)) + 3,
            $"echo {AudioEdit.RmsDbfs(inbound.AsSpan(tail)):0.0} dBFS → {AudioEdit.RmsDbfs(output.AsSpan(tail)):0.0} dBFS over noise at {AudioEdit.RmsDbfs(noise.AsSpan(tail)):0.0} dBFS");
        Assert.True(canceller.ResidualLeak < 0.1f, $"leak {canceller.ResidualLeak}");
    }

    [Fact]
    public void The_filter_alone_leaves_more_echo_than_filter_and_suppressor()
    {
        var played = SyntheticVoice.Render(8000, 6000, seed: 3);
        var inbound = Echo(played, 8000, 120, -6);
        var linearOnly = new EchoCanceller(8000, residualSuppression: false);
        var linear = (short[])inbound.Clone();
        for (var at = 0; at + 160 <= linear.Length; at += 160) linearOnly.Process(played.AsSpan(at, 160), linear.AsSpan(at, 160));

        var (both, _) = Run(played, inbound, 8000);

        var tail = 2 * 8000;
        Assert.True(AudioEdit.RmsDbfs(both.AsSpan(tail)) < AudioEdit.RmsDbfs(linear.AsSpan(tail)) - 20,
            $"filter alone {AudioEdit.RmsDbfs(linear.AsSpan(tail)):0.0} dBFS, with the suppressor {AudioEdit.RmsDbfs(both.AsSpan(tail)):0.0} dBFS");
    }

    [Fact]
    public void An_echo_that_appears_mid_reply_is_suppressed_once_its_path_is_found()
    {
        var played = SyntheticVoice.Render(8000, 5000, seed: 9);
        var inbound = Echo(played, 8000, 60, -12, fromMs: 2000);
        var canceller = new EchoCanceller(8000);
        var output = (short[])inbound.Clone();
        var foundAt = -1;
        for (var at = 0; at + 160 <= played.Length; at += 160)
        {
            canceller.Process(played.AsSpan(at, 160), output.AsSpan(at, 160));
            if (foundAt < 0 && canceller.Active) foundAt = at + 160;
        }

        Assert.True(foundAt > 0);
        var after = output.AsSpan(foundAt, 2000 * 8);
        var echo = inbound.AsSpan(foundAt, 2000 * 8);
        Assert.True(AudioEdit.RmsDbfs(after) < AudioEdit.RmsDbfs(echo) - 25, $"echo {AudioEdit.RmsDbfs(echo):0.0} dBFS → {AudioEdit.RmsDbfs(after):0.0} dBFS");
    }

    [Fact]
    public void Adaptation_freezes_while_a_caller_talks_over_the_echo()
    {
        var played = SyntheticVoice.Render(8000, 6000, seed: 3);
        var caller = AudioEdit.Gain(SyntheticVoice.Render(8000, 1500, seed: 77, pitchLow: 160, pitchHigh: 260), -12 + 6);
        var inbound = AudioEdit.Mix(Echo(played, 8000, 120, -12), AudioEdit.Fit(AudioEdit.Concat(AudioEdit.Silence(8000, 4000), caller), played.Length));
        var canceller = new EchoCanceller(8000);
        var doubleTalkFrames = 0;
        for (var at = 0; at + 160 <= played.Length; at += 160)
        {
            canceller.Process(played.AsSpan(at, 160), inbound.AsSpan(at, 160));
            if (at >= 4000 * 8 && at < 5500 * 8 && canceller.DoubleTalk) doubleTalkFrames++;
        }

        Assert.True(doubleTalkFrames >= 1500 / 20 / 2, $"{doubleTalkFrames} of {1500 / 20} caller frames judged double talk");
        Assert.True(canceller.Cancelling, $"ERLE {canceller.ErleDb:0.0} dB after the caller spoke: the filter was detuned");
    }
}
