using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace VoiceAgent.Cli.Bench.Outside;

/// <summary>The end-of-run table per server and level, the candidate/baseline ratios, and the JSON form.</summary>
internal static class OutsideReport
{
    public static string Table(IReadOnlyList<LevelResult> results)
    {
        var text = new StringBuilder();
        text.AppendLine("| server | calls | turns | failed | ingress p50/p99 ms | egress p50/p99 ms | ingress+egress p50/p99 ms | token p50/p99 ms | CPU ms/turn | CPU % core | alloc KB/turn | RSS KB/call | first turn / later median ms | model conns |");
        text.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var r in results)
            text.AppendLine(Invariant($"| {r.Label} | {r.Calls} | {r.Turns} | {r.FailedTurns} | {r.IngressMs.Median:F1} / {r.IngressMs.P99:F1} | {r.EgressMs.Median:F1} / {r.EgressMs.P99:F1} | {r.ServerAddedMs.Median:F1} / {r.ServerAddedMs.P99:F1} | {r.TokenRelayMs.Median:F1} / {r.TokenRelayMs.P99:F1} | {F(r.CpuMsPerTurn, "F2")} | {F(r.CpuPercentOfCore, "F0")} | {F(r.AllocatedBytesPerTurn / 1024, "F1")} | {F(r.RssPerCallKb, "F0")} | {F(r.FirstTurnMs, "F1")} / {F(r.LaterTurnsMedianMs, "F1")} | {r.ModelConnections?.ToString(CultureInfo.InvariantCulture) ?? "n/a"} |"));
        if (results.Any(r => r.Gen0Collections is not null))
        {
            // What a tail is made of: GC pauses, work waiting for a pool thread, thread hops per turn, lock waits.
            text.AppendLine("server runtime per level (counters over the level):");
            text.AppendLine("| server | calls | GCs gen0/1/2 | GC pause ms (per 100 turns) | pool work items/turn | pool queue max | lock contentions |");
            text.AppendLine("|---|---|---|---|---|---|---|");
            foreach (var r in results.Where(r => r.Gen0Collections is not null))
                text.AppendLine(Invariant($"| {r.Label} | {r.Calls} | {r.Gen0Collections}/{r.Gen1Collections}/{r.Gen2Collections} | {F(r.GcPauseMs, "F0")} ({F(r.GcPauseMs * 100 / Math.Max(1, r.Turns), "F1")}) | {F(r.ThreadPoolItemsPerTurn, "F0")} | {F(r.ThreadPoolQueueMax, "F1")} | {r.LockContentions} |"));
        }
        foreach (var r in results.Where(r => r.TopAllocations is { Count: > 0 }))
        {
            text.AppendLine(Invariant($"{r.Label} at {r.Calls} calls, top allocated types (sampled KB/turn):"));
            foreach (var t in r.TopAllocations!) text.AppendLine(Invariant($"  {t.BytesPerTurn / 1024,8:F1}  {t.Type}"));
        }
        foreach (var r in results.Where(r => r.FirstFailure is not null))
            text.AppendLine(Invariant($"{r.Label} at {r.Calls} calls, first failure: {r.FirstFailure}"));
        return text.ToString();
    }

    /// <summary>Candidate ÷ baseline per level for the figures both have (below 1 is better for every one of them).</summary>
    public static IReadOnlyList<LevelRatio> Ratios(IReadOnlyList<LevelResult> results, string candidate = "candidate", string baseline = "baseline")
        => Ratios(results, c => c.Target == candidate, (b, c) => b.Target == baseline && b.ModelHttp == c.ModelHttp);

    /// <summary>Model over HTTP/2 ÷ over HTTP/1.1, per server and level (with <c>--model-http 1.1,2</c>); empty otherwise.</summary>
    public static string ModelHttpRatioTable(IReadOnlyList<LevelResult> results)
    {
        var text = new StringBuilder();
        foreach (var target in results.Where(r => r.ModelHttp == "2").Select(r => r.Target).Distinct())
        {
            var ratios = Ratios(results, c => c.Target == target && c.ModelHttp == "2", (b, c) => b.Target == target && b.ModelHttp == "1.1");
            if (ratios.Count == 0) continue;
            text.Append(RatioTable(ratios).Replace("candidate / baseline", $"{target}: model over HTTP/2 / over HTTP/1.1", StringComparison.Ordinal));
        }
        return text.ToString();
    }

    private static List<LevelRatio> Ratios(IReadOnlyList<LevelResult> results, Func<LevelResult, bool> isCandidate, Func<LevelResult, LevelResult, bool> isBaselineOf)
    {
        var ratios = new List<LevelRatio>();
        foreach (var c in results.Where(isCandidate))
        {
            if (results.FirstOrDefault(r => r.Calls == c.Calls && isBaselineOf(r, c)) is not { } b) continue;
            ratios.Add(new LevelRatio(c.Calls,
                Ratio(c.IngressMs.P99, b.IngressMs.P99), Ratio(c.EgressMs.P99, b.EgressMs.P99), Ratio(c.ServerAddedMs.P99, b.ServerAddedMs.P99), Ratio(c.TokenRelayMs.P99, b.TokenRelayMs.P99),
                Ratio(c.CpuMsPerTurn, b.CpuMsPerTurn), Ratio(c.AllocatedBytesPerTurn, b.AllocatedBytesPerTurn), Ratio(c.RssPerCallKb, b.RssPerCallKb),
                Ratio(c.FirstTurnMs, b.FirstTurnMs), Ratio(c.FirstTurnMs / c.LaterTurnsMedianMs, b.FirstTurnMs / b.LaterTurnsMedianMs)));
        }
        return ratios;
    }

    public static string RatioTable(IReadOnlyList<LevelRatio> ratios)
    {
        if (ratios.Count == 0) return string.Empty;
        var text = new StringBuilder();
        text.AppendLine("candidate / baseline (below 1 is better):");
        text.AppendLine("| calls | ingress p99 | egress p99 | ingress+egress p99 | token p99 | CPU/turn | alloc/turn | RSS/call | first turn | first turn ÷ median |");
        text.AppendLine("|---|---|---|---|---|---|---|---|---|---|");
        foreach (var r in ratios)
            text.AppendLine(Invariant($"| {r.Calls} | {F(r.IngressP99, "F2")} | {F(r.EgressP99, "F2")} | {F(r.ServerAddedP99, "F2")} | {F(r.TokenP99, "F2")} | {F(r.CpuPerTurn, "F2")} | {F(r.AllocPerTurn, "F2")} | {F(r.RssPerCall, "F2")} | {F(r.FirstTurn, "F2")} | {F(r.FirstTurnOverMedian, "F2")} |"));
        return text.ToString();
    }

    public static string Json(OutsideBenchRun run) => JsonSerializer.Serialize(run, OutsideBenchJsonContext.Default.OutsideBenchRun);

    internal static double? Ratio(double? candidate, double? baseline)
        => candidate is { } c && baseline is { } b && b > 0 && !double.IsNaN(c) && !double.IsNaN(b) ? c / b : null;

    private static string F(double? value, string format) => value is { } v && !double.IsNaN(v) ? v.ToString(format, CultureInfo.InvariantCulture) : "n/a";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

/// <summary>Candidate ÷ baseline at one level.</summary>
internal sealed record LevelRatio(int Calls, double? IngressP99, double? EgressP99, double? ServerAddedP99, double? TokenP99, double? CpuPerTurn, double? AllocPerTurn, double? RssPerCall, double? FirstTurn, double? FirstTurnOverMedian);

/// <summary>Everything one invocation measured, for <c>--json</c>.</summary>
internal sealed record OutsideBenchRun(string Machine, string Settings, IReadOnlyList<LevelResult> Results, IReadOnlyList<LevelRatio> Ratios);

[JsonSourceGenerationOptions(WriteIndented = true, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(OutsideBenchRun))]
internal sealed partial class OutsideBenchJsonContext : JsonSerializerContext;
