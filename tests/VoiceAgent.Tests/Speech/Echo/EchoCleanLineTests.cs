using VoiceAgent.Emulators.ElevenLabs;
using VoiceAgent.Speech.Echo;
using VoiceAgent.Tests.TestSupport.Audio;

namespace VoiceAgent.Tests.Speech.Echo;

/// <summary>
/// A line that never echoes (the usual phone call): whatever the caller does while the agent talks, the canceller must
/// find no echo path and leave every sample of their audio as it came. Frame by frame, time in samples.
/// </summary>
public sealed class EchoCleanLineTests
{
    private const int Rate = 8000;

    /// <summary>The emulated TTS voice (harmonics gliding between per-character pitches), as the agent sounds in the media bench.</summary>
    private static short[] EmulatedAgent(string text, int milliseconds)
    {
        var synthesizer = new SpeechLikeSynthesizer(Rate);
        var samples = new short[Rate * milliseconds / 1000];
        var perCharacter = synthesizer.SamplesPerCharacter;
        var characters = samples.Length / perCharacter;
        var rendered = new short[characters * perCharacter];
        var repeated = string.Concat(Enumerable.Repeat(text, characters / text.Length + 1))[..characters];
        synthesizer.Render(repeated, 0, characters, rendered);
        rendered.CopyTo(samples, 0);
        return samples;
    }

    /// <summary>A steady harmonic "caller" (a 4 Hz syllable envelope over a fixed pitch), as the media bench's callers talk.</summary>
    private static short[] SteadyCaller(int milliseconds, double pitchHz)
    {
        var samples = new short[Rate * milliseconds / 1000];
        for (var i = 0; i < samples.Length; i++)
        {
            var t = i / (double)Rate;
            var voiced = 0.0;
            for (var h = 1; h <= 6; h++) voiced += Math.Sin(2 * Math.PI * pitchHz * h * t) / h;
            samples[i] = (short)(5000 * (0.55 + 0.45 * Math.Sin(2 * Math.PI * 4 * t)) * voiced);
        }
        return samples;
    }

    /// <summary>Caller speech placed on an otherwise silent line at <paramref name="atMs"/>, in bursts over the reply.</summary>
    private static short[] Line(int totalMs, short[] speech, params int[] atMs)
    {
        var line = new short[Rate * totalMs / 1000];
        foreach (var at in atMs)
        {
            var start = at * Rate / 1000;
            for (var i = 0; i < speech.Length && start + i < line.Length; i++) line[start + i] = speech[i];
        }
        return line;
    }

    private static (EchoCanceller Canceller, int ChangedFrames) Run(short[] played, short[] inbound)
    {
        var canceller = new EchoCanceller(Rate);
        var frame = Rate / 50;
        var output = (short[])inbound.Clone();
        var changed = 0;
        for (var at = 0; at + frame <= output.Length; at += frame)
        {
            canceller.Process(played.AsSpan(at, frame), output.AsSpan(at, frame));
            if (canceller.Changed) changed++;
        }
        Assert.Equal(inbound, output); // nothing of the caller's audio was touched
        return (canceller, changed);
    }

    public static TheoryData<int> Seeds() => [1, 2, 3, 4, 5, 6, 7, 8];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void A_caller_talking_over_the_agent_on_a_clean_line_finds_no_echo_path(int seed)
    {
        var played = SyntheticVoice.Render(Rate, 8000, seed: seed);
        var caller = SyntheticVoice.Render(Rate, 1500, seed: 100 + seed, pitchLow: 160, pitchHigh: 260);

        var (canceller, changed) = Run(played, Line(8000, caller, 500, 3000, 5500));

        Assert.Null(canceller.DelayMs);
        Assert.Equal(0, changed);
    }

    [Theory]
    [InlineData(140.0)]
    [InlineData(180.0)]
    [InlineData(160.0)]
    [InlineData(200.0)]
    public void A_steady_voiced_caller_over_the_emulated_agent_voice_finds_no_echo_path(double pitchHz)
    {
        // The media bench's case: harmonic callers against the harmonic TTS stand-in found "echo at 404 ms".
        var played = EmulatedAgent("Thanks for calling, how can I help you with your order today? ", 8000);
        var caller = SteadyCaller(1200, pitchHz);

        var (canceller, changed) = Run(played, Line(8000, caller, 200, 1600, 3000, 4400, 5800));

        Assert.Null(canceller.DelayMs);
        Assert.Equal(0, changed);
    }

    [Fact]
    public void A_caller_talking_while_the_agent_is_silent_finds_no_echo_path()
    {
        var played = new short[Rate * 6];
        var caller = SyntheticVoice.Render(Rate, 5000, seed: 42);

        var (canceller, changed) = Run(played, Line(6000, caller, 500));

        Assert.Null(canceller.DelayMs);
        Assert.Equal(0, changed);
    }

    [Theory]
    [InlineData(20, -20.0)]
    [InlineData(60, -12.0)]
    [InlineData(120, -6.0)]
    [InlineData(250, -20.0)]
    [InlineData(400, -12.0)]
    public void An_echo_at_each_matrix_delay_is_still_found_over_line_noise(int delayMs, double gainDb)
    {
        var played = SyntheticVoice.Render(Rate, 4000, seed: 9);
        var echo = AudioEdit.Fit(AudioEdit.Gain(AudioEdit.Delay(played, Rate, delayMs), gainDb), played.Length);
        var noise = SyntheticVoice.Noise(Rate, 4000, -50, seed: 7);
        for (var i = 0; i < echo.Length; i++) echo[i] = (short)Math.Clamp(echo[i] + noise[i], short.MinValue, short.MaxValue);
        var canceller = new EchoCanceller(Rate);
        var frame = Rate / 50;

        for (var at = 0; at + frame <= echo.Length; at += frame) canceller.Process(played.AsSpan(at, frame), echo.AsSpan(at, frame));

        Assert.NotNull(canceller.DelayMs);
        Assert.InRange(canceller.DelayMs!.Value, delayMs - 2, delayMs + 2);
    }
}
