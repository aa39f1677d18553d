namespace VoiceAgent.Cli.Analyze;

/// <summary>
/// What the matching calls cost (from their per-call summary lines): totals and the split, per call (mean, p50, p95),
/// per minute of call time and per turn. One currency; calls priced in another are counted in <see cref="OtherCurrencyCalls"/>.
/// </summary>
internal sealed record CostReport(
    string Currency,
    int Calls,
    int OtherCurrencyCalls,
    double Minutes,
    int Turns,
    double Total,
    double Carrier,
    double SpeechToText,
    double Model,
    double TextToSpeech,
    double PerCallMean,
    double PerCallP50,
    double PerCallP95,
    double? PerMinute,
    double? PerTurn)
{
    /// <summary>The report over <paramref name="calls"/>, or null when there is none.</summary>
    public static CostReport? From(IEnumerable<CallCostRecord> calls)
    {
        var all = calls.ToList();
        if (all.Count == 0) return null;
        var currency = all.GroupBy(c => c.Currency, StringComparer.Ordinal).OrderByDescending(g => g.Count()).First().Key;
        var same = all.Where(c => c.Currency == currency).ToList();
        var totals = same.Select(c => c.Total).Order().ToList();
        var total = totals.Sum();
        var minutes = same.Sum(c => c.DurationSeconds) / 60;
        var turns = same.Sum(c => c.Turns);
        return new CostReport(currency, same.Count, all.Count - same.Count, Math.Round(minutes, 3), turns, Round(total),
            Round(same.Sum(c => c.Carrier)), Round(same.Sum(c => c.SpeechToText)), Round(same.Sum(c => c.Model)), Round(same.Sum(c => c.TextToSpeech)),
            Round(total / same.Count), Round(Percentiles.NearestRank(totals, 50)), Round(Percentiles.NearestRank(totals, 95)),
            minutes > 0 ? Round(total / minutes) : null, turns > 0 ? Round(total / turns) : null);
    }

    private static double Round(double amount) => Math.Round(amount, 6);
}
