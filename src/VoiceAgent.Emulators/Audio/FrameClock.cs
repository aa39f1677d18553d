using System.Diagnostics;

namespace VoiceAgent.Emulators.Audio;

/// <summary>
/// Drift-free 20 ms line clock: frame <c>n</c> (0-based) is due at <c>start + (n + 1) × 20 ms</c> on the
/// <see cref="Stopwatch"/>, an absolute deadline, so a late wake-up never pushes later frames back. A frame
/// that is already due runs at once, so after a stall the line catches up and stream time stays exact.
/// </summary>
internal sealed class FrameClock(long startTimestamp, TimeSpan frameDuration)
{
    private readonly long _frameTicks = (long)(frameDuration.TotalSeconds * Stopwatch.Frequency);

    /// <summary>The Stopwatch timestamp at which frame <paramref name="frame"/> is due.</summary>
    public long DeadlineOf(long frame) => startTimestamp + (frame + 1) * _frameTicks;

    /// <summary>Waits until frame <paramref name="frame"/> is due.</summary>
    public async ValueTask WaitForFrameAsync(long frame, CancellationToken cancellationToken)
    {
        var deadline = DeadlineOf(frame);
        // Task.Delay has millisecond resolution; round up so we never wake early, and re-check the deadline.
        for (var attempt = 0; attempt < 1000; attempt++)
        {
            var remaining = deadline - Stopwatch.GetTimestamp();
            if (remaining <= 0) return;
            var milliseconds = (int)Math.Ceiling(remaining * 1000.0 / Stopwatch.Frequency);
            await Task.Delay(milliseconds, cancellationToken);
        }
    }
}
