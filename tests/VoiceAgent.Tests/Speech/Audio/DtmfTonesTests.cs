using VoiceAgent.Speech.Audio;
using VoiceAgent.Tests.TestSupport.Audio;

namespace VoiceAgent.Tests.Speech.Audio;

public sealed class DtmfTonesTests
{
    [Theory]
    [InlineData('1', 697, 1209, 8000)]
    [InlineData('5', 770, 1336, 8000)]
    [InlineData('9', 852, 1477, 16000)]
    [InlineData('#', 941, 1477, 16000)]
    [InlineData('*', 941, 1209, 8000)]
    [InlineData('0', 941, 1336, 16000)]
    public void Each_digit_is_its_own_pair_of_keypad_frequencies(char digit, int low, int high, int rate)
    {
        var samples = DtmfTones.Render(digit.ToString(), rate);
        var tone = samples.AsSpan(0, DtmfTones.ToneMs * rate / 1000);

        Assert.InRange(ToneAnalysis.DominantFrequency(tone, rate, 650, 1000), low - 10, low + 10);
        Assert.InRange(ToneAnalysis.DominantFrequency(tone, rate, 1150, 1700), high - 10, high + 10);
    }

    [Fact]
    public void A_digit_is_a_tone_then_a_silent_gap_and_w_is_a_half_second_pause()
    {
        var rate = 8000;
        var samples = DtmfTones.Render("1w2", rate);

        Assert.Equal((2 * (DtmfTones.ToneMs + DtmfTones.GapMs) + DtmfTones.PauseMs) * rate / 1000, samples.Length);
        var gapStart = DtmfTones.ToneMs * rate / 1000;
        var secondTone = (DtmfTones.ToneMs + DtmfTones.GapMs + DtmfTones.PauseMs) * rate / 1000;
        Assert.All(samples[gapStart..secondTone], s => Assert.Equal(0, s));
        Assert.InRange(ToneAnalysis.DominantFrequency(samples.AsSpan(secondTone, gapStart), rate, 650, 1000), 687, 707);
    }

    [Fact]
    public void The_pair_never_clips()
    {
        var samples = DtmfTones.Render("0123456789*#", 8000);

        Assert.True(samples.Max(s => Math.Abs((int)s)) < short.MaxValue / 2);
    }

    [Theory]
    [InlineData("")]
    [InlineData("12x")]
    [InlineData("1 2")]
    public void Anything_but_keypad_symbols_and_w_is_refused(string digits)
    {
        Assert.False(DtmfTones.IsValid(digits));
        Assert.Throws<ArgumentException>(() => DtmfTones.Render(digits, 8000));
    }
}
