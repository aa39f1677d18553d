namespace VoiceAgent.Emulators.Audio;

/// <summary>
/// Acoustic echo on the caller's side: what the caller's phone plays out leaks back into its microphone,
/// attenuated and delayed, and is mixed into the audio the emulated caller sends. Lets tests prove that the
/// server's echo guard does not barge in on its own voice.
/// </summary>
public sealed record EchoSimulation
{
    /// <summary>How long after playout the echo reaches the inbound audio. Default 120 ms; 0 to 2 s.</summary>
    public TimeSpan Delay { get; init; } = TimeSpan.FromMilliseconds(120);

    /// <summary>Level of the echo relative to the played audio, in dB (≤ 0). Default −12 dB (×0.25).</summary>
    public double GainDb { get; init; } = -12;

    /// <summary>
    /// The echo begins only after this much of the server's audio has played (someone switches to speaker-phone in the
    /// middle of a reply); before that the line carries none. Default zero: echo from the start.
    /// </summary>
    public TimeSpan AppearsAfter { get; init; } = TimeSpan.Zero;

    /// <summary>The linear amplitude factor of <see cref="GainDb"/>.</summary>
    public double LinearGain => Math.Pow(10, GainDb / 20);

    /// <summary>Every problem with these settings, each with a fix; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Delay < TimeSpan.Zero || Delay > TimeSpan.FromSeconds(2))
            errors.Add($"Echo.Delay is {Delay.TotalMilliseconds} ms; use 0 to 2000 ms (phones show about 50 to 250 ms).");
        if (AppearsAfter < TimeSpan.Zero)
            errors.Add($"Echo.AppearsAfter is {AppearsAfter.TotalMilliseconds} ms; use zero (echo from the start) or a positive amount of played audio.");
        if (double.IsNaN(GainDb) || GainDb > 0)
            errors.Add($"Echo.GainDb is {GainDb}; use a negative attenuation such as -12 (an echo is never louder than the source).");
        return errors;
    }
}
