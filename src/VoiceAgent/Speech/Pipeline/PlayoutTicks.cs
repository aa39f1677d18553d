namespace VoiceAgent.Speech.Pipeline;

/// <summary>What drives a <see cref="PlayoutScheduler"/>'s 20 ms ticks; every source runs the same <see cref="PlayoutScheduler.TickAll"/>.</summary>
internal enum PlayoutTicks
{
    /// <summary>A dedicated pacing thread sleeping to absolute deadlines on the clock (production, the system clock).</summary>
    PacingThread,

    /// <summary>A <see cref="PeriodicTimer"/> on the injected clock (a fake clock advances it).</summary>
    Timer,

    /// <summary>Nothing ticks by itself: the caller calls <see cref="PlayoutScheduler.TickAll"/> (tests that place each tick, a late one included).</summary>
    Caller,
}
