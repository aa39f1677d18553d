using System.Globalization;
using VoiceAgent.Speech.Echo;

namespace VoiceAgent.Cli.Bench;

/// <summary>
/// <c>bench --scenario echo</c>: runs the echo matrix (delay × gain × start/mid-reply × noise × moving path × caller)
/// through the audio path's barge-in chain and prints, per cell and in total, the false barge-in rate (the agent cut
/// itself off on its own echo) and the missed barge-in rate (a caller 6 dB above the echo not caught within 400 ms of
/// speech onset), with the echo canceller and, for comparison, without it. Audio time only; deterministic.
/// </summary>
internal static class EchoBench
{
    public static async Task<int> RunAsync(int sampleRate, bool verbose, TextWriter output, int? minSpeechMs = null, int? traceCell = null, bool traceWithoutCanceller = false)
    {
        var options = minSpeechMs is { } minMs ? new Speech.Pipeline.SpeechPipelineOptions { BargeInMinSpeech = TimeSpan.FromMilliseconds(minMs) } : new Speech.Pipeline.SpeechPipelineOptions();
        if (sampleRate is not (8000 or 16000))
        {
            await output.WriteLineAsync("--rate must be 8000 (Twilio) or 16000 (Vonage).");
            return 2;
        }
        var cells = EchoMatrix.Cells();
        if (traceCell is { } index)
        {
            // One cell, frame by frame every 500 ms and at every VAD event: delay found, ERLE, double talk, VAD state.
            if (index < 0 || index >= cells.Count)
            {
                await output.WriteLineAsync($"--trace-cell must be 0..{cells.Count - 1}.");
                return 2;
            }
            await output.WriteLineAsync(cells[index].ToString());
            await output.WriteLineAsync(EchoMatrix.Run(cells[index], sampleRate, !traceWithoutCanceller, options, output).ToString());
            return 0;
        }
        await output.WriteLineAsync($"Echo matrix at {sampleRate} Hz: {cells.Count} cells; barge-in must come within {EchoMatrix.BargeInLimitMs} ms of caller onset; barge-in needs {options.BargeInMinSpeech.TotalMilliseconds} ms of caller speech.");
        foreach (var cancel in new[] { true, false })
        {
            var results = cells.Select(c => (Cell: c, Outcome: EchoMatrix.Run(c, sampleRate, cancel, options))).ToList();
            await output.WriteLineAsync();
            await output.WriteLineAsync(cancel ? "WITH the echo canceller" : "WITHOUT the echo canceller (VAD echo guard only)");
            await output.WriteLineAsync("delay    gain | false barge-in (echo-only cells) | missed barge-in (caller cells) | time to clear after onset p50 / p99");
            foreach (var group in results.GroupBy(r => (r.Cell.DelayMs, r.Cell.GainDb)))
            {
                var (falseRate, missedRate, median) = Rates(group.ToList());
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"{group.Key.DelayMs,3} ms {group.Key.GainDb,4:0} dB | {falseRate,6:P0} | {missedRate,6:P0} | {median}"));
            }
            foreach (var (name, pick) in new (string, Func<EchoCell, bool>)[]
            {
                ("echo from the start", c => !c.MidReply), ("echo appearing mid-reply", c => c.MidReply),
                ("line noise", c => c.LineNoise), ("moving echo path", c => c.ChangingPath),
            })
            {
                var (falseRate, missedRate, median) = Rates(results.Where(r => pick(r.Cell)).ToList());
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{name,-26} | false {falseRate,6:P1} | missed {missedRate,6:P1} | clear p50/p99 {median}"));
            }
            var (allFalse, allMissed, allMedian) = Rates(results);
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"ALL                        | false {allFalse,6:P1} | missed {allMissed,6:P1} | clear p50/p99 {allMedian}"));
            if (verbose)
                foreach (var (cell, outcome) in results)
                    await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                        $"  {cell} → {(outcome.FalseBargeIn ? "FALSE barge-in" : outcome.BargeInAfterOnsetMs is { } ms ? $"barge-in at +{ms:0} ms" : "no barge-in")}"));
        }
        return 0;
    }

    /// <summary>Nearest-rank percentile of sorted values.</summary>
    private static double Percentile(List<double> sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static (double False, double Missed, string Median) Rates(List<(EchoCell Cell, EchoCellOutcome Outcome)> results)
    {
        var echoOnly = results.Where(r => !r.Cell.Caller).ToList();
        var withCaller = results.Where(r => r.Cell.Caller).ToList();
        var falseRate = echoOnly.Count == 0 ? 0 : (double)results.Count(r => r.Outcome.FalseBargeIn && !r.Cell.Caller) / echoOnly.Count;
        var missedRate = withCaller.Count == 0 ? 0 : (double)withCaller.Count(r => r.Outcome.Missed(EchoMatrix.BargeInLimitMs)) / withCaller.Count;
        var latencies = withCaller.Where(r => r.Outcome.BargeInAfterOnsetMs is not null).Select(r => r.Outcome.BargeInAfterOnsetMs!.Value).Order().ToList();
        var median = latencies.Count == 0 ? "-" : string.Create(CultureInfo.InvariantCulture,
            $"{Percentile(latencies, 0.50):0} / {Percentile(latencies, 0.99):0} ms");
        return (falseRate, missedRate, median);
    }
}
