using System.Globalization;
using System.Text;

namespace VoiceAgent.Cli.Analyze;

/// <summary>The human-readable table of a <see cref="LatencyReport"/>.</summary>
internal static class ReportWriter
{
    public static string Text(LatencyReport report)
    {
        var sb = new StringBuilder();
        var outcomes = report.Outcomes.Count == 0 ? "none" : string.Join(", ", report.Outcomes.Select(o => $"{o.Key} {o.Value}"));
        sb.Append(CultureInfo.InvariantCulture, $"{report.Calls} calls, {report.Turns} turns (outcomes: {outcomes}); {report.LinesRead} lines read, {report.SkippedLines} unreadable skipped");
        if (report.SkippedLines > 0) sb.Append(CultureInfo.InvariantCulture, $" (first at line {report.FirstSkippedLine})");
        sb.AppendLine().AppendLine();
        sb.AppendLine($"{"hop",-58} {"n",5} {"p50 ms",9} {"p95 ms",10} {"p99 ms",10}  {"budget ms",-11} verdict");
        foreach (var hop in report.Hops)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{hop.Name,-58} {hop.Samples,5} {Ms(hop.P50Ms, false),9} {Ms(hop.P95Ms, hop.P95Unstable),10} {Ms(hop.P99Ms, hop.P99Unstable),10}  {Budget(hop),-11} {hop.Verdict}");
            sb.AppendLine();
        }
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"~ unstable: p95 from fewer than {Percentiles.MinSamplesP95} samples, p99 from fewer than {Percentiles.MinSamplesP99} (nearest rank: below those counts the percentile is the largest sample).");
        sb.AppendLine("Budget: the documented per-hop budget (docs/latency.md); p95 is compared with its upper end.");
        if (report.Cost is { } cost) AppendCost(sb, cost);
        return sb.ToString();
    }

    private static void AppendCost(StringBuilder sb, CostReport cost)
    {
        string M(double? amount) => amount is { } v ? v.ToString("F4", CultureInfo.InvariantCulture) : "–";
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Cost ({cost.Currency}, from the per-call summary lines): {cost.Calls} calls, {cost.Minutes:F1} min, {cost.Turns} turns");
        if (cost.OtherCurrencyCalls > 0) sb.AppendLine(CultureInfo.InvariantCulture, $"  ({cost.OtherCurrencyCalls} calls priced in another currency left out)");
        sb.AppendLine(CultureInfo.InvariantCulture, $"  total {M(cost.Total)} = carrier {M(cost.Carrier)} + STT {M(cost.SpeechToText)} + model {M(cost.Model)} + TTS {M(cost.TextToSpeech)}");
        sb.AppendLine(CultureInfo.InvariantCulture, $"  per call: mean {M(cost.PerCallMean)}, p50 {M(cost.PerCallP50)}, p95 {M(cost.PerCallP95)}; per minute {M(cost.PerMinute)}; per turn {M(cost.PerTurn)}");
    }

    private static string Ms(double? ms, bool unstable) => ms is { } v ? (unstable ? "~" : "") + v.ToString(v < 10 ? "F2" : "F1", CultureInfo.InvariantCulture) : "–";

    private static string Budget(HopStats hop) => (hop.BudgetLowMs, hop.BudgetHighMs) switch
    {
        ({ } low, { } high) => string.Create(CultureInfo.InvariantCulture, $"{low:F0}–{high:F0}"),
        (null, { } high) => string.Create(CultureInfo.InvariantCulture, $"~{high:F0}"),
        _ => "–",
    };
}
