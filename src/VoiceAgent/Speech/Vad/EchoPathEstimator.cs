namespace VoiceAgent.Speech.Vad;

/// <summary>
/// Measures the echo path from how the inbound level follows the played level. For every candidate delay
/// (whole frames) it keeps exponentially weighted statistics of played level d frames ago against inbound
/// level now, over frames where something audible was played and the caller was not talking. Once every
/// delay has enough data: the delay with the highest correlation of the two level envelopes is the echo
/// delay, and when that correlation is strong the mean level difference there is the echo-return loss.
/// Whether or not an echo is found, the inbound level can only be echo plus something else, so over loud
/// played frames the smallest mean level difference over all delays is a lower bound on the loss (large when
/// the network cancels the echo and nothing comes back).
/// </summary>
internal sealed class EchoPathEstimator
{
    private const float AudiblePlaybackDbfs = -65f;
    private const float LoudPlaybackDbfs = -40f;
    private const float MinLoudWeight = 10f;
    private const float MinCorrelation = 0.7f;
    private const float MinWeight = 30f;
    private const float MinPlayedVariance = 4f;
    private const int AdaptMs = 2000;

    private readonly int _minDelay;
    private readonly float _keep;
    private readonly float[] _weight;
    private readonly float[] _sumPlayed;
    private readonly float[] _sumInbound;
    private readonly float[] _sumPlayedSquared;
    private readonly float[] _sumInboundSquared;
    private readonly float[] _sumProduct;
    private readonly float[] _loudWeight;
    private readonly float[] _loudSumDifference;

    public EchoPathEstimator(int minDelayFrames, int maxDelayFrames, int frameMs)
    {
        _minDelay = minDelayFrames;
        int count = maxDelayFrames - minDelayFrames + 1;
        _keep = MathF.Exp(-(float)frameMs / AdaptMs);
        _weight = new float[count];
        _sumPlayed = new float[count];
        _sumInbound = new float[count];
        _sumPlayedSquared = new float[count];
        _sumInboundSquared = new float[count];
        _sumProduct = new float[count];
        _loudWeight = new float[count];
        _loudSumDifference = new float[count];
    }

    /// <summary>Whether a delay with a strongly correlated level envelope has been found.</summary>
    public bool IsConfident { get; private set; }

    /// <summary>The measured echo delay in frames (meaningful when <see cref="IsConfident"/>).</summary>
    public int DelayFrames { get; private set; }

    /// <summary>The measured echo-return loss in dB (meaningful when <see cref="IsConfident"/>).</summary>
    public float ReturnLossDb { get; private set; }

    /// <summary>The correlation at <see cref="DelayFrames"/>.</summary>
    public float Correlation { get; private set; }

    /// <summary>Whether every candidate delay has seen enough audible playback for the figures below to mean something.</summary>
    public bool HasEnoughData { get; private set; }

    /// <summary>
    /// The smallest mean of played minus inbound level over loud played frames, over all delays: the echo-return
    /// loss is at least this (meaningful when <see cref="HasEnoughData"/>).
    /// </summary>
    public float LossLowerBoundDb { get; private set; }

    /// <summary>Learns from inbound frame <paramref name="frame"/>, which is known not to hold caller speech.</summary>
    public void Learn(PlaybackHistory history, long frame, float inboundDbfs)
    {
        bool enough = true;
        float lowerBound = float.MaxValue;
        for (int i = 0; i < _weight.Length; i++)
        {
            float played = history.LevelAt(frame - _minDelay - i);
            if (played >= AudiblePlaybackDbfs)
            {
                _weight[i] = (_keep * _weight[i]) + 1f;
                _sumPlayed[i] = (_keep * _sumPlayed[i]) + played;
                _sumInbound[i] = (_keep * _sumInbound[i]) + inboundDbfs;
                _sumPlayedSquared[i] = (_keep * _sumPlayedSquared[i]) + (played * played);
                _sumInboundSquared[i] = (_keep * _sumInboundSquared[i]) + (inboundDbfs * inboundDbfs);
                _sumProduct[i] = (_keep * _sumProduct[i]) + (played * inboundDbfs);
            }

            if (played >= LoudPlaybackDbfs)
            {
                _loudWeight[i] = (_keep * _loudWeight[i]) + 1f;
                _loudSumDifference[i] = (_keep * _loudSumDifference[i]) + (played - inboundDbfs);
            }

            enough &= _weight[i] >= MinWeight && _loudWeight[i] >= MinLoudWeight;
            if (_loudWeight[i] > 0)
            {
                lowerBound = MathF.Min(lowerBound, _loudSumDifference[i] / _loudWeight[i]);
            }
        }

        // Comparing delays is only fair once all of them have data: the shortest delay sees playback first.
        HasEnoughData = enough;
        LossLowerBoundDb = lowerBound;
        float bestCorrelation = -1f;
        int best = -1;
        for (int i = 0; enough && i < _weight.Length; i++)
        {
            float correlation = CorrelationAt(i);
            if (correlation > bestCorrelation)
            {
                bestCorrelation = correlation;
                best = i;
            }
        }

        Correlation = bestCorrelation;
        IsConfident = best >= 0 && bestCorrelation >= MinCorrelation;
        if (IsConfident)
        {
            DelayFrames = _minDelay + best;
            ReturnLossDb = (_sumPlayed[best] - _sumInbound[best]) / _weight[best];
        }
    }

    /// <summary>Forgets everything learned (the echo path changed).</summary>
    public void Reset()
    {
        Array.Clear(_weight);
        Array.Clear(_sumPlayed);
        Array.Clear(_sumInbound);
        Array.Clear(_sumPlayedSquared);
        Array.Clear(_sumInboundSquared);
        Array.Clear(_sumProduct);
        Array.Clear(_loudWeight);
        Array.Clear(_loudSumDifference);
        IsConfident = false;
        HasEnoughData = false;
        Correlation = -1f;
    }

    private float CorrelationAt(int i)
    {
        float w = _weight[i];
        if (w < MinWeight)
        {
            return -1f;
        }

        float meanPlayed = _sumPlayed[i] / w;
        float meanInbound = _sumInbound[i] / w;
        float varPlayed = (_sumPlayedSquared[i] / w) - (meanPlayed * meanPlayed);
        float varInbound = (_sumInboundSquared[i] / w) - (meanInbound * meanInbound);
        if (varPlayed < MinPlayedVariance || varInbound <= 1e-3f)
        {
            return -1f;
        }

        float covariance = (_sumProduct[i] / w) - (meanPlayed * meanInbound);
        return covariance / MathF.Sqrt(varPlayed * varInbound);
    }
}
