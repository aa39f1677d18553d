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
                        $"  {cell} → {(outcome.FalseBargeIn ? "FALSE barge-in" : outcome.BargeInAfterOnsetMs is { } ms ? $"barge-in at +{ms:0} ms" : "no barge-in")}{(cancel ? $" (double talk {outcome.DoubleTalkFrames} frames)" : "")}"));
        }
        await MeasureCostAsync(sampleRate, output);
        return 0;
    }

    /// <summary>
    /// CPU and allocation per 20 ms frame of the canceller (delay search, NLMS, residual suppression) on a 7 s reply
    /// echoed at 120 ms / −12 dB, with the VAD on the same frames as the yardstick. Wall-clock figures: valid only on a
    /// quiet machine.
    /// </summary>
    private static async Task MeasureCostAsync(int sampleRate, TextWriter output)
    {
        var frame = sampleRate / 50;
        var played = SyntheticVoice.Render(sampleRate, EchoMatrix.ReplyMs, seed: 3);
        var delay = 120 * sampleRate / 1000;
        var near = new short[played.Length];
        for (var i = delay; i < near.Length; i++) near[i] = (short)(played[i - delay] / 4);
        var frames = near.Length / frame;
        var work = new short[frame];
        const int rounds = 5;
        double cancellerMs = 0, vadMs = 0;
        long allocated = 0;
        for (var round = 0; round < rounds; round++)
        {
            var canceller = new EchoCanceller(sampleRate);
            var vad = new Speech.Vad.VoiceActivityDetector(new Speech.Vad.VadOptions(), sampleRate);
            var before = GC.GetAllocatedBytesForCurrentThread();
            var start = System.Diagnostics.Stopwatch.GetTimestamp();
            for (var f = 0; f < frames; f++)
            {
                near.AsSpan(f * frame, frame).CopyTo(work);
                canceller.Process(played.AsSpan(f * frame, frame), work);
            }
            var mid = System.Diagnostics.Stopwatch.GetTimestamp();
            allocated += GC.GetAllocatedBytesForCurrentThread() - before;
            for (var f = 0; f < frames; f++)
            {
                vad.ObservePlayback(played.AsSpan(f * frame, frame));
                vad.Process(near.AsSpan(f * frame, frame));
            }
            var end = System.Diagnostics.Stopwatch.GetTimestamp();
            if (round == 0) continue; // warm-up (JIT)
            cancellerMs += System.Diagnostics.Stopwatch.GetElapsedTime(start, mid).TotalMilliseconds;
            vadMs += System.Diagnostics.Stopwatch.GetElapsedTime(mid, end).TotalMilliseconds;
        }
        var measured = (double)frames * (rounds - 1);
        await output.WriteLineAsync();
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Cost per 20 ms frame at {sampleRate} Hz ({frames} frames × {rounds - 1} rounds): echo canceller {cancellerMs * 1000 / measured:0.0} µs, VAD {vadMs * 1000 / measured:0.0} µs (baseline); canceller allocated {allocated / ((double)frames * rounds):0.0} bytes/frame after construction."));
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
