namespace VoiceAgent.Speech.Vad;

/// <summary>
/// Follows the background level of the line in dB. It falls quickly towards quieter frames (the floor is a
/// lower envelope), rises quickly under stationary sound (level steady within a small deviation over the last
/// 200 ms: line noise, hum) and only slowly under fluctuating sound such as speech, so a long utterance is not
/// absorbed into the floor. It starts at the level of the first frame, on the assumption that a call opens
/// with line sound rather than with the caller mid-word.
/// </summary>
internal sealed class NoiseFloorTracker
{
    /// <summary>The floor never goes below this, so digital silence does not make any faint sound look like speech.</summary>
    public const float MinFloorDbfs = -90f;

    private const int StationarityFrames = 10;

    private readonly float _fall;
    private readonly float _fastRise;
    private readonly float _slowRise;
    private readonly float _stationaryDeviation;
    private readonly LevelRun _recent = new(StationarityFrames);
    private bool _started;

    public NoiseFloorTracker(VadOptions options, int frameMs)
    {
        _fall = Coefficient(frameMs, options.NoiseFloorFallMs);
        _fastRise = Coefficient(frameMs, options.NoiseFloorFastRiseMs);
        _slowRise = Coefficient(frameMs, options.NoiseFloorSlowRiseMs);
        _stationaryDeviation = (float)options.StationaryDeviationDb;
        FloorDbfs = MinFloorDbfs;
    }

    /// <summary>The current noise floor in dBFS.</summary>
    public float FloorDbfs { get; private set; }

    /// <summary>Whether the last 200 ms were steady enough to count as stationary noise.</summary>
    public bool IsStationary { get; private set; }

    /// <summary>
    /// Takes in the level of the next frame. While <paramref name="explainedByEcho"/> (our playback may be echoing) the
    /// floor only rises under stationary sound, so a long agent reply does not lift it towards the echo level.
    /// </summary>
    public void Update(float levelDbfs, bool explainedByEcho)
    {
        _recent.Add(levelDbfs);
        IsStationary = _recent.IsFull && _recent.StandardDeviation() <= _stationaryDeviation;
        if (!_started)
        {
            _started = true;
            FloorDbfs = MathF.Max(levelDbfs, MinFloorDbfs);
            return;
        }

        float delta = levelDbfs - FloorDbfs;
        if (delta < 0)
        {
            FloorDbfs += delta * _fall;
        }
        else if (IsStationary)
        {
            FloorDbfs += delta * _fastRise;
        }
        else if (!explainedByEcho)
        {
            FloorDbfs += delta * _slowRise;
        }

        FloorDbfs = MathF.Max(FloorDbfs, MinFloorDbfs);
    }

    /// <summary>Per-frame smoothing coefficient of a first-order follower with time constant <paramref name="timeConstantMs"/>.</summary>
    private static float Coefficient(int frameMs, int timeConstantMs) => 1f - MathF.Exp(-(float)frameMs / timeConstantMs);
}
