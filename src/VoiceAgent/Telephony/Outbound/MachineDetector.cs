using VoiceAgent.Speech.Audio;

namespace VoiceAgent.Telephony.Outbound;

/// <summary>
/// Our own answering-machine signals on an outbound call's inbound audio (8 kHz μ-law), a second opinion to Twilio's
/// AMD: a long unbroken greeting from the answer on (a person says "hello?" and waits; a recorded greeting talks on),
/// and the beep: one pure tone (350-2000 Hz, at least 80 % of a frame's energy in one Goertzel bin) held steady for
/// 160 ms. Pure, one per call, fed from the socket's read loop; listens for the first minute only.
/// </summary>
internal sealed class MachineDetector(int greetingMachineMs)
{
    private const int FrameSamples = 160; // 20 ms
    private const int FrameMs = 20;
    private const double VoicedRms = 400;
    private const int BridgeableGapMs = 400;
    private const double BeepPurity = 0.8;
    private const int BeepFrames = 8;
    private const int ListenMs = 60_000;
    private static readonly double[] Frequencies = Enumerable.Range(0, 67).Select(i => 350.0 + 25 * i).ToArray();

    private readonly short[] _frame = new short[FrameSamples];
    private int _filled;
    private int _elapsedMs;
    private int _speechRunMs;
    private int _gapMs;
    private bool _longGreeting;
    private int _toneFrames;
    private int _toneBin = -1;
    private bool _done;

    /// <summary>True once the detector has reported a beep or stopped listening.</summary>
    public bool Done => _done;

    /// <summary>Feeds received audio; returns the signals it completed (at most one per call of each kind).</summary>
    public MachineSignal? OnAudio(ReadOnlySpan<byte> mulaw)
    {
        MachineSignal? signal = null;
        foreach (var code in mulaw)
        {
            if (_done) break;
            _frame[_filled++] = MuLaw.Decode(code);
            if (_filled < FrameSamples) continue;
            _filled = 0;
            signal = OnFrame() ?? signal;
        }
        return signal;
    }

    private MachineSignal? OnFrame()
    {
        _elapsedMs += FrameMs;
        if (_elapsedMs > ListenMs) { _done = true; return null; }
        double energy = 0;
        foreach (var s in _frame) energy += (double)s * s;
        var rms = Math.Sqrt(energy / FrameSamples);
        if (rms < VoicedRms)
        {
            _toneFrames = 0;
            _gapMs += FrameMs;
            if (_gapMs > BridgeableGapMs) _speechRunMs = 0;
            return null;
        }
        var (bin, purity) = StrongestTone(energy);
        if (purity >= BeepPurity)
        {
            _toneFrames = bin >= 0 && _toneBin >= 0 && Math.Abs(bin - _toneBin) <= 1 ? _toneFrames + 1 : 1;
            _toneBin = bin;
            if (_toneFrames >= BeepFrames)
            {
                _done = true;
                return _longGreeting ? MachineSignal.BeepAfterLongGreeting : MachineSignal.Beep;
            }
            return null;
        }
        _toneFrames = 0;
        _gapMs = 0;
        _speechRunMs += FrameMs;
        if (!_longGreeting && _speechRunMs >= greetingMachineMs)
        {
            _longGreeting = true;
            return MachineSignal.LongGreeting;
        }
        return null;
    }

    /// <summary>The Goertzel bin with the most power and its share of the frame's energy (1 for a pure tone on the bin).</summary>
    private (int Bin, double Purity) StrongestTone(double energy)
    {
        var best = -1;
        double bestPower = 0;
        for (var b = 0; b < Frequencies.Length; b++)
        {
            var coefficient = 2 * Math.Cos(2 * Math.PI * Frequencies[b] / 8000);
            double s1 = 0, s2 = 0;
            foreach (var x in _frame)
            {
                var s0 = x + coefficient * s1 - s2;
                s2 = s1;
                s1 = s0;
            }
            var power = s1 * s1 + s2 * s2 - coefficient * s1 * s2;
            if (power > bestPower) { bestPower = power; best = b; }
        }
        return (best, energy == 0 ? 0 : 2 * bestPower / (FrameSamples * energy));
    }
}
