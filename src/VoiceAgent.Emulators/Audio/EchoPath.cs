namespace VoiceAgent.Emulators.Audio;

/// <summary>
/// The delay line of <see cref="EchoSimulation"/>: every line tick pushes the samples just played (silence
/// when nothing was) and pops the attenuated samples played <see cref="EchoSimulation.Delay"/> earlier.
/// Sample-accurate; only the line loop uses it.
/// </summary>
internal sealed class EchoPath
{
    private readonly short[] _ring;
    private readonly double _gain;
    private int _readIndex;
    private int _writeIndex;

    public EchoPath(EchoSimulation settings, int sampleRate, int samplesPerFrame)
    {
        var delaySamples = (int)Math.Round(settings.Delay.TotalSeconds * sampleRate);
        // Room for the delay plus one frame in flight; starts full of silence, so the first pops are silent.
        _ring = new short[delaySamples + samplesPerFrame];
        _writeIndex = delaySamples;
        _gain = settings.LinearGain;
    }

    /// <summary>
    /// Pushes <paramref name="played"/> (one frame of linear samples) and writes the delayed, attenuated echo
    /// of earlier playout into <paramref name="echo"/> (same length). Returns whether any echo sample is non-zero.
    /// </summary>
    public bool Advance(ReadOnlySpan<short> played, Span<short> echo)
    {
        for (var i = 0; i < played.Length; i++)
        {
            _ring[_writeIndex] = (short)Math.Round(played[i] * _gain);
            _writeIndex = (_writeIndex + 1) % _ring.Length;
        }
        var audible = false;
        for (var i = 0; i < echo.Length; i++)
        {
            echo[i] = _ring[_readIndex];
            audible |= echo[i] != 0;
            _readIndex = (_readIndex + 1) % _ring.Length;
        }
        return audible;
    }
}
