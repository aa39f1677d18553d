namespace VoiceAgent.Speech.Vad;

/// <summary>The last few values of a level difference in dB, and how much they spread.</summary>
internal sealed class LevelRun
{
    private readonly float[] _values;
    private int _count;
    private int _next;

    public LevelRun(int length)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 2);
        _values = new float[length];
    }

    /// <summary>Whether the run holds as many values as it can.</summary>
    public bool IsFull => _count == _values.Length;

    /// <summary>Adds a value, dropping the oldest once full.</summary>
    public void Add(float value)
    {
        _values[_next] = value;
        _next = (_next + 1) % _values.Length;
        _count = Math.Min(_count + 1, _values.Length);
    }

    /// <summary>Forgets all values.</summary>
    public void Clear()
    {
        _count = 0;
        _next = 0;
    }

    /// <summary>Standard deviation of the values held (0 when fewer than two).</summary>
    public float StandardDeviation()
    {
        if (_count < 2)
        {
            return 0;
        }

        float mean = 0;
        for (int i = 0; i < _count; i++)
        {
            mean += _values[i];
        }

        mean /= _count;
        float sum = 0;
        for (int i = 0; i < _count; i++)
        {
            sum += (_values[i] - mean) * (_values[i] - mean);
        }

        return MathF.Sqrt(sum / _count);
    }
}
