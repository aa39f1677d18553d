using VoiceAgent.Observability;
using System.Text.Json.Serialization;

namespace VoiceAgent.Cli.Analyze;

/// <summary>What <c>analyze</c> found: counts, and per hop the nearest-rank percentiles against the budget.</summary>
internal sealed record LatencyReport(
    int Calls,
    int Turns,
    IReadOnlyDictionary<string, int> Outcomes,
    int LinesRead,
    int SkippedLines,
    int FirstSkippedLine,
    string PercentileMethod,
    IReadOnlyList<HopStats> Hops,
    CostReport? Cost = null)
{
    public static LatencyReport Build(LogReader reader, AnalyzeOptions options)
    {
        var turns = reader.Turns.Where(options.Matches).ToList();
        var summaries = turns.Where(t => t.HasSummary).ToList();
        var outcomes = summaries.GroupBy(t => t.Outcome ?? "unknown", StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var hops = LatencyBudget.Rows
            .Where(row => options.Transport is null || row.Transports.Contains(options.Transport, StringComparer.Ordinal))
            .Select(row => HopStats.From(row, turns.Where(t => t.Hops.ContainsKey(row.Key)).Select(t => t.Hops[row.Key])))
            .ToList();
        return new LatencyReport(
            turns.Select(t => t.CallId).Distinct(StringComparer.Ordinal).Count(),
            summaries.Count,
            outcomes,
            reader.Lines,
            reader.SkippedLines,
            reader.FirstSkippedLine,
            $"nearest rank (the sample at rank ceil(p/100 * n)); p95 flagged unstable below {Percentiles.MinSamplesP95} samples, p99 below {Percentiles.MinSamplesP99} (below those counts the nearest-rank percentile is just the largest sample)",
            hops,
            // The per-call lines go through the same filters (call, transport, time window) as the turns.
            CostReport.From(reader.Calls.Where(c => options.Matches(new TurnRecord(c.CallId, 0) { Transport = c.Transport, Timestamp = c.Timestamp }))));
    }
}

/// <summary>One hop's figures. Percentiles are null without samples or when the server cannot observe the hop.</summary>
internal sealed record HopStats(
    string Key,
    string Name,
    IReadOnlyList<string> Transports,
    string MeasuredBy,
    int Samples,
    double? P50Ms,
    double? P95Ms,
    double? P99Ms,
    bool P95Unstable,
    bool P99Unstable,
    double? BudgetLowMs,
    double? BudgetHighMs,
    string Verdict)
{
    public static HopStats From(BudgetRow row, IEnumerable<double> samples)
    {
        var sorted = samples.Order().ToList();
        var n = sorted.Count;
        double? P(double p) => n == 0 ? null : Percentiles.NearestRank(sorted, p);
        var p95 = P(95);
        var verdict = !row.Observable ? "not observable on the server"
            : n == 0 ? "no samples"
            : row.High is not { } high ? "no budget (our own hop)"
            : p95 <= high ? "p95 within budget"
            : $"p95 over budget by {p95 - high:F1} ms";
        if (n > 0 && n < Percentiles.MinSamplesP95 && row.High is not null) verdict += " (too few samples to be sure)";
        return new HopStats(row.Key, row.Name, row.Transports, row.MeasuredBy, n, P(50), p95, P(99),
            n > 0 && n < Percentiles.MinSamplesP95, n > 0 && n < Percentiles.MinSamplesP99, row.Low, row.High, verdict);
    }
}

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(LatencyReport))]
internal sealed partial class LatencyReportJson : JsonSerializerContext;
