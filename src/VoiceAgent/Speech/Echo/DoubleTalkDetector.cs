namespace VoiceAgent.Speech.Echo;

/// <summary>
/// Double-talk detection (the G.168 family's normalised cross-correlation detector, on the adaptive filter's own echo
/// estimate): per 20 ms frame, the part of the near end the echo estimate explains is the projection of the near end on
/// that estimate (<c>E[d·ŷ]² / E[ŷ²]</c>, which does not depend on the filter's gain being exact); what it does not
/// explain, above the line's noise, is someone else. Double talk holds when that unexplained part is at least as loud
/// as the explained echo (<see cref="UnexplainedRatio"/>), at least 3 dB above the line noise, and the near end is
/// louder than the echo estimate itself (<see cref="LoudnessRatio"/>): a caller 6 dB above the echo gives about 6 dB
/// unexplained over explained and 7 dB of loudness; echo alone through a converged filter leaves only the filter's
/// misadjustment unexplained. It begins after <see cref="OnsetFrames"/> such frames in a row and holds for a hang-over,
/// so the dips inside a word do not end it.
/// The estimate is only meaningful from a filter that has converged on the current path, so the caller says whether it
/// is (<c>valid</c>); otherwise no double talk is declared. The line's noise is tracked here from the near end's own
/// floor (every frame that is not double talk, including before a path is known). Allocation-free, scalar state only.
/// </summary>
internal sealed class DoubleTalkDetector
{
    /// <summary>Unexplained near-end power must be at least this share of the explained (echo) power: 0 dB.</summary>
    public const float UnexplainedRatio = 1f;

    /// <summary>The near end must be this much louder than the filter's echo estimate: 3 dB.</summary>
    public const float LoudnessRatio = 2f;

    /// <summary>
    /// The near end must be this much louder than the echo the bulk path predicts: 4.8 dB (a caller 6 dB above the echo
    /// gives 7 dB; a path that moved and got 4 dB louder, not yet found, gives 4 dB and is not taken for a caller).
    /// </summary>
    public const float PathLoudnessRatio = 4f;

    /// <summary>
    /// While a caller proven over the echo (<see cref="CallerRecent"/>) may still be talking, the near end need only be
    /// this much louder than the echo the bulk path predicts: 3 dB (hysteresis: a caller's quieter syllables sit 2–5 dB
    /// over a loud stretch of the agent's voice; entering double talk still takes <see cref="PathLoudnessRatio"/>).
    /// </summary>
    public const float HeldPathLoudnessRatio = 2f;

    /// <summary>Frames in a row that must show double talk before the caller counts as proven (100 ms): echo alone of a path that moved shows at most a few.</summary>
    public const int ProvenFrames = 5;

    /// <summary>Frames a proven caller is held after the last frame that showed double talk (500 ms: a pause between words).</summary>
    public const int CallerHoldFrames = 25;

    /// <summary>The unexplained part must stand this far above the line's noise power: 3 dB.</summary>
    public const float NoiseRatio = 2f;

    /// <summary>Frames double talk is held after the last frame that showed it (80 ms).</summary>
    public const int HangoverFrames = 4;

    /// <summary>Frames in a row that must show it before double talk begins (a single frame can be a misaligned reference).</summary>
    public const int OnsetFrames = 2;

    private const float MinPower = 100f; // about −70 dBFS: nothing on a digitally silent line

    private const float NoiseRise = 1.02f; // per frame, about 4 dB/s
    private const float NoiseFall = 0.5f;

    private int _hold;
    private int _run; // frames in a row that showed double talk (up to OnsetFrames)
    private int _provenRun; // frames in a row that showed double talk (up to ProvenFrames)
    private int _callerHold; // frames left during which a proven caller may still be talking
    private float _noisePower = -1;

    /// <summary>The line's noise power as this detector tracks it (the near end's floor, followed down fast and up slowly).</summary>
    public float NoisePower => Math.Max(_noisePower, 0);

    /// <summary>True while double talk holds (the last frame showed it, or did within the hang-over).</summary>
    public bool Active => _hold > 0;

    /// <summary>
    /// True for <see cref="CallerHoldFrames"/> after double talk held <see cref="ProvenFrames"/> frames in a row: a caller
    /// is talking over the agent and their next syllable, a few dB over the echo, is theirs too (the residual suppressor
    /// neither learns from it nor cuts it; see <see cref="EchoCanceller"/>). A path change ends it.
    /// </summary>
    public bool CallerRecent => _callerHold > 0;

    /// <summary>True when the last frame itself showed double talk (not only the hang-over).</summary>
    public bool LastFrame { get; private set; }

    /// <summary>
    /// One frame. <paramref name="nearPower"/>: mean square of the near end; <paramref name="crossPower"/>: mean of near ×
    /// the filter's echo estimate; <paramref name="estimatePower"/>: mean square of that estimate;
    /// <paramref name="pathEchoPower"/>: the echo power the bulk path predicts (its gain × the far power around the
    /// delay), which the near end must also exceed by <see cref="PathLoudnessRatio"/>, so a filter that has stopped
    /// predicting its echo (a syllable it never saw) cannot take the echo itself for double talk. Returns <see cref="Active"/>.
    /// </summary>
    public bool Update(float nearPower, float crossPower, float estimatePower, bool valid, float pathEchoPower = 0)
    {
        var pathRatio = CallerRecent ? HeldPathLoudnessRatio : PathLoudnessRatio;
        LastFrame = valid && Shows(nearPower, crossPower, estimatePower, NoisePower) && nearPower >= pathRatio * pathEchoPower;
        if (!LastFrame) TrackNoise(nearPower); // the caller's speech is not the line's noise
        _run = LastFrame ? Math.Min(_run + 1, OnsetFrames) : 0;
        _provenRun = LastFrame ? Math.Min(_provenRun + 1, ProvenFrames) : 0;
        if (!valid) _callerHold = 0;
        else if (_provenRun >= ProvenFrames) _callerHold = CallerHoldFrames;
        else if (!LastFrame && _callerHold > 0) _callerHold--;
        if (!valid) _hold = 0;
        else if (LastFrame && (_run >= OnsetFrames || _hold > 0)) _hold = HangoverFrames + 1;
        else if (!LastFrame && _hold > 0) _hold--;
        return Active;
    }

    /// <summary>Forgets a double talk in progress (the echo path changed: the estimate no longer describes the echo).</summary>
    public void Reset()
    {
        _hold = 0;
        _run = 0;
        _provenRun = 0;
        _callerHold = 0;
        LastFrame = false;
    }

    private void TrackNoise(float power)
    {
        if (_noisePower < 0) _noisePower = power;
        else if (power < _noisePower) _noisePower += NoiseFall * (power - _noisePower);
        else _noisePower = Math.Min(power, _noisePower * NoiseRise + 1e-3f);
    }

    private static bool Shows(float nearPower, float crossPower, float estimatePower, float noisePower)
    {
        var explained = estimatePower > 0 && crossPower > 0 ? Math.Min(crossPower * crossPower / estimatePower, nearPower) : 0f;
        var unexplained = nearPower - explained;
        return unexplained > NoiseRatio * noisePower + MinPower
            && unexplained - noisePower >= UnexplainedRatio * explained
            && nearPower >= LoudnessRatio * estimatePower;
    }
}
