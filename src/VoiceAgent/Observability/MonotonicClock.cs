namespace VoiceAgent.Observability;

/// <summary>Helpers over the one clock every timestamp in a call is taken from.</summary>
internal static class MonotonicClock
{
    /// <summary>Milliseconds between two <see cref="TimeProvider.GetTimestamp"/> values of <paramref name="clock"/>.</summary>
    public static double ElapsedMs(this TimeProvider clock, long from, long to)
        => from == 0 || to == 0 ? double.NaN : clock.GetElapsedTime(from, to).TotalMilliseconds;
}
