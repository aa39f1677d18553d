using VoiceAgent.Speech.Audio;

namespace VoiceAgent.Speech.Vad;

/// <summary>
/// Keeps the telephone speech band, 300–3400 Hz: a 4th-order Butterworth high-pass (−55 dB at 60 Hz, so
/// mains hum and rumble drop out) and a 2nd-order low-pass, as three biquads. Reports the band power of
/// each frame. State carries across frames.
/// </summary>
internal sealed class SpeechBandFilter
{
    private const double LowCutHz = 300;
    private const double HighCutHz = 3400;

    private Biquad _highPass1;
    private Biquad _highPass2;
    private Biquad _lowPass;

    public SpeechBandFilter(int sampleRate)
    {
        // The two sections of a 4th-order Butterworth have Q = 1/(2·sin(π/8)) and 1/(2·sin(3π/8)).
        _highPass1 = Biquad.HighPass(LowCutHz, sampleRate, 0.54119610);
        _highPass2 = Biquad.HighPass(LowCutHz, sampleRate, 1.30656296);
        _lowPass = Biquad.LowPass(HighCutHz, sampleRate);
    }

    /// <summary>Filters <paramref name="input"/> into <paramref name="output"/> and returns the mean square of the result.</summary>
    public float Process(ReadOnlySpan<short> input, Span<float> output)
    {
        float sum = 0;
        for (int i = 0; i < input.Length; i++)
        {
            float y = _lowPass.Process(_highPass2.Process(_highPass1.Process(input[i])));
            output[i] = y;
            sum += y * y;
        }

        _highPass1.FlushDenormals();
        _highPass2.FlushDenormals();
        _lowPass.FlushDenormals();
        return input.IsEmpty ? 0 : sum / input.Length;
    }

    /// <summary>Band power (mean square, in sample units²) as dBFS, never below <see cref="Pcm16.SilenceDbfs"/>.</summary>
    public static float ToDbfs(float meanSquare)
    {
        const float fullScaleSquared = 32768f * 32768f;
        return meanSquare <= 0 ? (float)Pcm16.SilenceDbfs : MathF.Max((float)Pcm16.SilenceDbfs, 10f * MathF.Log10(meanSquare / fullScaleSquared));
    }
}
