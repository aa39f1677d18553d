using VoiceAgent.Speech.Audio;
using VoiceAgent.Telephony.Outbound;

namespace VoiceAgent.Tests.Telephony.Outbound;

/// <summary>Our second opinion on the audio path: a long unbroken greeting, then a beep.</summary>
public sealed class MachineDetectorTests
{
    private static readonly MachineSignal[] MachineThenBeep = [MachineSignal.LongGreeting, MachineSignal.BeepAfterLongGreeting];
    private static readonly MachineSignal[] BeepOnly = [MachineSignal.Beep];

    [Fact]
    public void A_long_greeting_then_a_beep_is_a_machine_ready_to_record()
    {
        var detector = new MachineDetector(3500);
        var signals = Feed(detector, Concat(Speech(5000), Silence(200), Tone(1000, 500)));
        Assert.Equal(MachineThenBeep, signals);
    }

    [Fact]
    public void A_short_hello_is_not_a_greeting_and_speech_is_never_a_beep()
    {
        var detector = new MachineDetector(3500);
        Assert.Empty(Feed(detector, Concat(Speech(800), Silence(2000), Speech(1500), Silence(1000), Speech(2500))));
    }

    [Fact]
    public void A_beep_alone_is_reported_as_a_beep()
    {
        var detector = new MachineDetector(3500);
        Assert.Equal(BeepOnly, Feed(detector, Concat(Silence(500), Tone(800, 400))));
    }

    [Fact]
    public void A_tone_too_short_for_a_beep_is_ignored()
    {
        var detector = new MachineDetector(3500);
        Assert.Empty(Feed(detector, Concat(Tone(1000, 100), Silence(500), Tone(1000, 100))));
    }

    private static List<MachineSignal> Feed(MachineDetector detector, short[] pcm)
    {
        var mulaw = new byte[pcm.Length];
        MuLaw.Encode(pcm, mulaw);
        var signals = new List<MachineSignal>();
        for (var i = 0; i < mulaw.Length; i += 160)
            if (detector.OnAudio(mulaw.AsSpan(i, Math.Min(160, mulaw.Length - i))) is { } s) signals.Add(s);
        return signals;
    }

    /// <summary>Voiced speech-like sound: a gliding 120-220 Hz fundamental with harmonics under a syllable envelope.</summary>
    private static short[] Speech(int ms)
    {
        var n = ms * 8;
        var pcm = new short[n];
        double phase = 0;
        for (var i = 0; i < n; i++)
        {
            var f0 = 170 + 50 * Math.Sin(2 * Math.PI * 0.7 * i / 8000);
            phase += f0 / 8000;
            var envelope = 0.6 + 0.4 * Math.Abs(Math.Sin(2 * Math.PI * 2.25 * i / 8000));
            double v = 0;
            double[] amplitudes = [1.0, 0.7, 0.5, 0.35, 0.25];
            for (var h = 0; h < amplitudes.Length; h++) v += amplitudes[h] * Math.Sin(2 * Math.PI * (h + 1) * phase);
            pcm[i] = (short)(3500 * envelope * v);
        }
        return pcm;
    }

    private static short[] Tone(int hz, int ms) => Enumerable.Range(0, ms * 8).Select(i => (short)(9000 * Math.Sin(2 * Math.PI * hz * i / 8000))).ToArray();

    private static short[] Silence(int ms) => new short[ms * 8];

    private static short[] Concat(params short[][] parts) => parts.SelectMany(p => p).ToArray();
}
