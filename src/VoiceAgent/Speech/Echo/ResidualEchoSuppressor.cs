namespace VoiceAgent.Speech.Echo;

/// <summary>
/// The non-linear stage after the adaptive filter (G.168's NLP, WebRTC's residual echo suppressor), broadband and per
/// 20 ms frame: whatever the linear filter leaves of the echo is a fraction (<see cref="Leak"/>) of the echo it
/// predicts. A frame that holds, above the line's noise, no more than <see cref="OverdriveRatio"/> times that residual is echo alone and is brought down to
/// the line's noise floor (never below, so a detector's noise floor does not collapse under it); a frame louder than
/// that carries someone else, the caller, and passes untouched. The leak is learned only on single-talk frames and is
/// raised quickly when the path changes (so a change is suppressed within a few frames) and lowered slowly as the
/// filter converges. Allocation-free; one per canceller.
/// </summary>
internal sealed class ResidualEchoSuppressor
{
    /// <summary>A frame within this power ratio (6 dB) of the expected residual is echo alone.</summary>
    public const float OverdriveRatio = 4f;

    /// <summary>Deepest attenuation of an echo-only frame (−60 dB) when the line is digitally silent under it.</summary>
    public const float FloorGain = 0.001f;

    private const float MaxLeak = 4f;
    private const float MinLeak = 1e-4f; // −40 dB: no linear filter does better on a real line
    private const float LeakAttack = 0.4f;
    private const float LeakRelease = 0.05f;
    private const float LeakCreep = 1.02f;
    private const float NoiseRise = 1.02f; // per frame, about 4 dB/s: the floor follows a line that got noisier
    private const float NoiseFall = 0.5f;

    private float _noisePower = -1;
    private float _lastGain = 1;

    /// <summary>Share of the predicted echo power the linear stage leaves (1 before it has learned anything).</summary>
    public float Leak { get; private set; } = 1;

    /// <summary>True when the last frame was taken for echo alone and attenuated.</summary>
    public bool Suppressed { get; private set; }

    /// <summary>True when the last frame was changed (attenuated, or ramping back up after an attenuated one).</summary>
    public bool Touched { get; private set; }

    /// <summary>The line's noise power as this stage tracks it (mean square per sample).</summary>
    public float NoisePower => Math.Max(_noisePower, 0);

    /// <summary>A new echo path was found: the linear stage has to learn it again, so assume it removes nothing yet.</summary>
    public void PathChanged() => Leak = 1;

    /// <summary>
    /// Suppresses the residual echo in <paramref name="frame"/> (the linear stage's output), in place.
    /// <paramref name="echoPower"/> is the power of the echo the path predicts for this frame (before cancellation);
    /// <paramref name="doubleTalk"/> freezes learning while the caller talks. <paramref name="linearResidualPower"/> is
    /// the power of what the linear filter leaves (its error), which is what the decision weighs even while the frame
    /// itself is still the line as it came (a filter below its ERLE threshold): echo the filter already predicts is
    /// not mistaken for the caller, and a caller 6 dB above a loud echo is not mistaken for it. Negative: the frame's power.
    /// <paramref name="callerOverEcho"/>: the double-talk detector holds (the caller is talking over the echo): nothing
    /// is suppressed and nothing learned, as G.168's NLP is disabled during double talk, so the caller is never cut.
    /// </summary>
    /// <paramref name="callerLikely"/>: a caller proven over the echo moments ago may still be talking and this frame
    /// stands clearly over the echo the bulk path predicts: it is neither suppressed nor learned from (a caller's quieter
    /// syllable must not teach the leak up, which would cut their next one).
    public void Process(Span<short> frame, float echoPower, bool doubleTalk, float linearResidualPower = -1, bool callerOverEcho = false, bool callerLikely = false)
    {
        callerOverEcho |= callerLikely;
        float power = 0;
        foreach (var s in frame) power += (float)s * s;
        power /= frame.Length;
        if (!callerOverEcho) TrackNoise(power); // the caller's speech is not the line's noise

        // What the linear stage leaves above the line's noise is measured against the residual echo expected.
        var aboveNoise = Math.Max((linearResidualPower >= 0 ? Math.Min(linearResidualPower, power) : power) - NoisePower, 0);
        var residual = Leak * echoPower;
        Suppressed = !callerOverEcho && echoPower > 0 && aboveNoise <= OverdriveRatio * residual;
        if (!doubleTalk && !callerOverEcho && echoPower > NoisePower)
        {
            // Frames that could be echo alone (within the overdrive of the residual, or no louder than the whole echo
            // predicted: a path that got worse) teach the leak; a frame louder than the whole echo may be the caller's
            // first syllable (before double talk is declared) and only nudges it up, so a caller cannot talk the
            // suppressor into cutting them.
            var ratio = Math.Clamp(aboveNoise / echoPower, MinLeak, MaxLeak);
            if (Suppressed || ratio <= 1) Leak += (ratio > Leak ? LeakAttack : LeakRelease) * (ratio - Leak);
            else Leak = Math.Min(Leak * LeakCreep, MaxLeak);
        }

        var gain = Suppressed && power > 0 ? Math.Clamp(MathF.Sqrt(NoisePower / power), FloorGain, 1f) : 1f;
        Touched = gain != 1f || _lastGain != 1f;
        if (!Touched) return;
        // Ramp from the last frame's gain across this one: no click at the frame edge.
        var step = (gain - _lastGain) / frame.Length;
        var g = _lastGain;
        for (var i = 0; i < frame.Length; i++)
        {
            g += step;
            frame[i] = (short)MathF.Round(frame[i] * g);
        }
        _lastGain = gain;
    }

    private void TrackNoise(float power)
    {
        if (_noisePower < 0) _noisePower = power;
        else if (power < _noisePower) _noisePower += NoiseFall * (power - _noisePower);
        else _noisePower = Math.Min(power, _noisePower * NoiseRise + 1e-3f);
    }
}
