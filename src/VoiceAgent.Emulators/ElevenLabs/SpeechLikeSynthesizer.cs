namespace VoiceAgent.Emulators.ElevenLabs;

/// <summary>
/// Deterministic "speech" a voice-activity detector hears as speech: every character lasts
/// <see cref="ElevenLabsEmulator.MillisecondsPerCharacter"/> ms; letters and digits are voiced (a 120–220 Hz
/// fundamental chosen by the character, gliding between characters, with four harmonics, under a 4.5 Hz
/// syllable-rate envelope and 5 ms ramps at word edges); spaces and punctuation are low-level noise
/// (about -63 dBFS). The same text always yields the same samples. One instance per stream (it carries
/// phase across calls).
/// </summary>
internal sealed class SpeechLikeSynthesizer(int sampleRate)
{
    private static readonly double[] HarmonicAmplitudes = [1.0, 0.7, 0.5, 0.35, 0.25];

    // One sine period; a lookup keeps a whole generation cheap enough to burst out at RealTimeFactor 0.
    private const int SineTableSize = 4096;
    private static readonly double[] SineTable = Enumerable.Range(0, SineTableSize).Select(i => Math.Sin(2 * Math.PI * i / SineTableSize)).ToArray();
    private const double Gain = 6500;
    private const double SyllableRateHz = 4.5;
    private const int NoiseAmplitude = 24;

    private double _phase;
    private double _f0 = 160;
    private long _voicedSamples;
    private uint _noiseState = 0x2545F491;
    private bool _previousVoiced;

    public int SamplesPerCharacter { get; } = sampleRate * ElevenLabsEmulator.MillisecondsPerCharacter / 1000;

    public static bool IsVoiced(char c) => char.IsLetterOrDigit(c);

    /// <summary>Renders <paramref name="text"/>[<paramref name="start"/>..+<paramref name="count"/>] into <paramref name="output"/>.</summary>
    public void Render(string text, int start, int count, Span<short> output)
    {
        for (var i = 0; i < count; i++)
        {
            var index = start + i;
            var nextVoiced = index + 1 < text.Length && IsVoiced(text[index + 1]);
            RenderCharacter(text[index], nextVoiced, output.Slice(i * SamplesPerCharacter, SamplesPerCharacter));
        }
    }

    private void RenderCharacter(char c, bool nextVoiced, Span<short> output)
    {
        if (!IsVoiced(c))
        {
            for (var i = 0; i < output.Length; i++) output[i] = (short)(NextNoise() % (2 * NoiseAmplitude + 1) - NoiseAmplitude);
            _previousVoiced = false;
            return;
        }

        var target = 120.0 + (c * 37 % 101);
        var ramp = sampleRate * 5 / 1000;
        var n = output.Length;
        for (var i = 0; i < n; i++)
        {
            var f = _f0 + (target - _f0) * i / n;
            _phase += f / sampleRate;
            if (_phase >= 1) _phase -= 1;

            var x = 0.0;
            for (var k = 0; k < HarmonicAmplitudes.Length; k++) x += HarmonicAmplitudes[k] * Sine((k + 1) * _phase);

            var t = _voicedSamples++ / (double)sampleRate;
            var syllable = 0.65 + 0.35 * Math.Sin(2 * Math.PI * SyllableRateHz * t);
            var edge = 1.0;
            if (!_previousVoiced && i < ramp) edge = i / (double)ramp;
            if (!nextVoiced && i >= n - ramp) edge = Math.Min(edge, (n - 1 - i) / (double)ramp);
            output[i] = (short)Math.Clamp(Math.Round(x * Gain * syllable * edge), short.MinValue, short.MaxValue);
        }

        _f0 = target;
        _previousVoiced = true;
    }

    /// <summary>sin(2π·cycles).</summary>
    private static double Sine(double cycles) => SineTable[(int)(cycles * SineTableSize) & (SineTableSize - 1)];

    private uint NextNoise()
    {
        // xorshift32: deterministic, allocation-free.
        var x = _noiseState;
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        _noiseState = x;
        return x;
    }
}
