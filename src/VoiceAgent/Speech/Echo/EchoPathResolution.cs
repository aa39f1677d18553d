namespace VoiceAgent.Speech.Echo;

/// <summary>
/// When a suspected or new echo path counts as resolved (the filter measurably cancels it), from the canceller's
/// averaged powers over fresh adapting frames on that path: the near end as it came, what the filter left, and the
/// line's noise. Any of: a plain ERLE of at least <see cref="EchoCanceller.MinErleDb"/>; the same ERLE on the part of the
/// line above its noise (in line noise the plain ERLE is bounded by the noise, not the filter: a −20 dB echo over
/// −50 dBFS noise stands only a few dB above it, so a filter that removes all of it shows under 6 dB); or what it
/// leaves no more than 3 dB over the noise. A filter on a wrong lag removes nothing of the echo and meets none of them.
/// </summary>
internal static class EchoPathResolution
{
    /// <summary>Adapting frames on the current path before its ERLE is believed.</summary>
    public const int FreshFrames = 10;

    /// <summary>Plain ERLE in dB: near / left; 0 before any measurement.</summary>
    public static double ErleDb(float nearPower, float errorPower)
        => errorPower <= 0 || nearPower <= 0 ? 0 : 10 * Math.Log10(nearPower / errorPower);

    /// <summary>
    /// ERLE of the part above the noise in dB: (near − noise) / (left − noise). 0 before any measurement or when the near
    /// end carries nothing above the noise; <see cref="double.PositiveInfinity"/> when nothing is left above it.
    /// </summary>
    public static double NoiseLimitedErleDb(float nearPower, float errorPower, float noisePower)
    {
        if (errorPower <= 0 || nearPower <= 0) return 0;
        var echo = nearPower - noisePower;
        if (echo <= 0) return 0;
        var left = errorPower - noisePower;
        return left <= 0 ? double.PositiveInfinity : 10 * Math.Log10(echo / left);
    }

    /// <summary>True when <paramref name="freshFrames"/> adapting frames show the filter cancels the path (see the class summary).</summary>
    public static bool Resolved(int freshFrames, float nearPower, float errorPower, float noisePower)
        => freshFrames >= FreshFrames
           && (ErleDb(nearPower, errorPower) >= EchoCanceller.MinErleDb
               || NoiseLimitedErleDb(nearPower, errorPower, noisePower) >= EchoCanceller.MinErleDb
               || errorPower <= 2 * noisePower + 100f);
}
