namespace VoiceAgent.Speech.Audio;

/// <summary>
/// Keypad tones (ITU-T Q.23 frequency pairs) rendered as PCM for the outbound audio of a media stream: each digit is
/// <see cref="ToneMs"/> of its two sines followed by <see cref="GapMs"/> of silence (Q.24 asks for at least 40 ms of
/// each); <c>w</c> is <see cref="PauseMs"/> of silence. Each sine peaks about 15 dB below full scale, so the pair never
/// clips and survives G.711.
/// </summary>
internal static class DtmfTones
{
    public const int ToneMs = 100;
    public const int GapMs = 80;
    public const int PauseMs = 500;
    private const double Amplitude = 11_000;

    /// <summary>Low and high frequency of a keypad symbol; false for anything that is not 0-9, *, #, A-D.</summary>
    public static bool TryGetFrequencies(char digit, out int low, out int high)
    {
        (low, high) = char.ToUpperInvariant(digit) switch
        {
            '1' => (697, 1209), '2' => (697, 1336), '3' => (697, 1477), 'A' => (697, 1633),
            '4' => (770, 1209), '5' => (770, 1336), '6' => (770, 1477), 'B' => (770, 1633),
            '7' => (852, 1209), '8' => (852, 1336), '9' => (852, 1477), 'C' => (852, 1633),
            '*' => (941, 1209), '0' => (941, 1336), '#' => (941, 1477), 'D' => (941, 1633),
            _ => (0, 0),
        };
        return low != 0;
    }

    /// <summary>True when every symbol is a keypad digit or <c>w</c> (pause).</summary>
    public static bool IsValid(string digits)
        => digits.Length > 0 && digits.All(c => c is 'w' or 'W' || TryGetFrequencies(c, out _, out _));

    /// <summary>Renders <paramref name="digits"/> at <paramref name="sampleRate"/>.</summary>
    /// <exception cref="ArgumentException">A symbol is not a keypad digit or <c>w</c>.</exception>
    public static short[] Render(string digits, int sampleRate)
    {
        if (!IsValid(digits)) throw new ArgumentException($"'{digits}' holds a symbol that is not 0-9, *, #, A-D or w.", nameof(digits));
        var perMs = sampleRate / 1000;
        var total = digits.Sum(c => c is 'w' or 'W' ? PauseMs : ToneMs + GapMs) * perMs;
        var samples = new short[total];
        var at = 0;
        foreach (var c in digits)
        {
            if (c is 'w' or 'W')
            {
                at += PauseMs * perMs;
                continue;
            }
            TryGetFrequencies(c, out var low, out var high);
            var toneSamples = ToneMs * perMs;
            for (var i = 0; i < toneSamples; i++)
            {
                var t = (double)i / sampleRate;
                samples[at + i] = (short)Math.Round(Amplitude * (Math.Sin(2 * Math.PI * low * t) + Math.Sin(2 * Math.PI * high * t)) / 2);
            }
            at += toneSamples + GapMs * perMs;
        }
        return samples;
    }
}
