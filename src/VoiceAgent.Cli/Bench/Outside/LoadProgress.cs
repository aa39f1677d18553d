using System.Diagnostics;
using System.Globalization;

namespace VoiceAgent.Cli.Bench.Outside;

/// <summary>Counts finished turns of a level and prints a line about them every few seconds while it runs.</summary>
internal sealed class LoadProgress(string label, int expectedTurns, TextWriter output)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private int _done;
    private int _failed;

    public int Done => Volatile.Read(ref _done);
    public int Failed => Volatile.Read(ref _failed);

    public void TurnDone(bool ok)
    {
        Interlocked.Increment(ref _done);
        if (!ok) Interlocked.Increment(ref _failed);
    }

    /// <summary>Prints progress every <paramref name="every"/> until <paramref name="cancellationToken"/> is cancelled.</summary>
    public async Task ReportAsync(TimeSpan every, Func<string> extra, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(every);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"  [{label}] {_clock.Elapsed.TotalSeconds,5:F0} s  turns {Done}/{expectedTurns}  failed {Failed}  {extra()}"));
        }
        catch (OperationCanceledException) { }
    }
}
