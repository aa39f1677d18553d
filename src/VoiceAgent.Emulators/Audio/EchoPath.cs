namespace VoiceAgent.Emulators.Audio;

/// <summary>
/// The delay line of <see cref="EchoSimulation"/>: every line tick pushes the samples just played (silence
/// when nothing was) and pops the attenuated samples played <see cref="EchoSimulation.Delay"/> earlier.
/// Sample-accurate; only the line loop uses it. With <see cref="EchoSimulation.AppearsAfter"/> the echo stays silent
/// until that much audio has played, then carries the delayed audio from then on.
/// </summary>
internal sealed class EchoPath
{
    private readonly short[] _ring;
    private readonly double _gain;
    private int _readIndex;
    private int _writeIndex;
    private readonly long _appearsAfterSamples;
    private long _playedSamples; // server audio played so far (frames with any sound)

    public EchoPath(EchoSimulation settings, int sampleRate, int samplesPerFrame)
    {
        var delaySamples = (int)Math.Round(settings.Delay.TotalSeconds * sampleRate);
        // Room for the delay plus one frame in flight; starts full of silence, so the first pops are silent.
        _ring = new short[delaySamples + samplesPerFrame];
        _writeIndex = delaySamples;
        _gain = settings.LinearGain;
        _appearsAfterSamples = (long)Math.Round(settings.AppearsAfter.TotalSeconds * sampleRate);
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
        if (played.ContainsAnyExcept((short)0)) _playedSamples += played.Length;
        var open = _playedSamples > _appearsAfterSamples; // the echo path has opened (speaker-phone switched on)
        var audible = false;
        for (var i = 0; i < echo.Length; i++)
        {
            echo[i] = open ? _ring[_readIndex] : (short)0;
            audible |= echo[i] != 0;
            _readIndex = (_readIndex + 1) % _ring.Length;
        }
        return audible;
    }
}
