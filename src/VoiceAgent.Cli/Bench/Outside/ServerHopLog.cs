using System.Globalization;
using System.Text;
using System.Text.Json;

namespace VoiceAgent.Cli.Bench.Outside;

/// <summary>
/// The server's own account of one level, read from its JSON console (<c>--server-log</c>, with the speech pipeline's
/// category at Debug): per reply, the first audio's hops inside the server (line 5070), and per window of playout ticks,
/// how late the shared timer ran, how long a tick's walk over the calls took, the thread pool's queue and the GC's pauses
/// (line 5071). The hops are on the server's clock, so they split the server's share that the caller-side figures can
/// only give in total.
/// </summary>
internal sealed record ServerHops(
    LatencyStats FinalToPosted, LatencyStats PostedToDelta, LatencyStats DeltaToLoop, LatencyStats LoopToTts, LatencyStats TtsToAudio,
    LatencyStats AudioToLoop, LatencyStats QueuedToSent, int TickWindows, double WorstTickGapP99Ms, double TickGapMaxMs, double TickWalkMaxMs,
    long PoolQueueMax, double GcPauseMs)
{
    /// <summary>The settings that make the server write the lines read here (the user's <c>--server-env</c> still wins).</summary>
    public static IReadOnlyDictionary<string, string> LogSettings { get; } = new Dictionary<string, string>
    {
        ["Logging__LogLevel__VoiceAgent.Speech.Pipeline"] = "Debug",
    };

    /// <summary>Reads the lines the server wrote to <paramref name="path"/> from byte <paramref name="from"/> on; null if it wrote none of them.</summary>
    public static ServerHops? Read(string path, long from)
    {
        if (!File.Exists(path)) return null;
        var hops = new Dictionary<string, List<double>>(StringComparer.Ordinal);
        var windows = 0;
        double worstGapP99 = 0, gapMax = 0, walkMax = 0, gcPause = 0;
        long poolMax = 0;
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        file.Seek(Math.Min(from, file.Length), SeekOrigin.Begin);
        using var reader = new StreamReader(file, Encoding.UTF8);
        while (reader.ReadLine() is { } line)
        {
            var hopLine = line.Contains("\"EventId\":5070", StringComparison.Ordinal);
            if (!hopLine && !line.Contains("\"EventId\":5071", StringComparison.Ordinal)) continue;
            JsonElement state;
            try
            {
                using var json = JsonDocument.Parse(line);
                if (!json.RootElement.TryGetProperty("State", out var s)) continue;
                state = s.Clone();
            }
            catch (JsonException)
            {
                continue; // a line cut by the process ending
            }
            if (hopLine)
            {
                foreach (var name in HopNames)
                    if (state.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number)
                        (hops.TryGetValue(name, out var list) ? list : hops[name] = []).Add(value.GetDouble());
                continue;
            }
            windows++;
            worstGapP99 = Math.Max(worstGapP99, Number(state, "GapP99Ms"));
            gapMax = Math.Max(gapMax, Number(state, "GapMaxMs"));
            walkMax = Math.Max(walkMax, Number(state, "WalkMaxMs"));
            poolMax = Math.Max(poolMax, (long)Number(state, "PendingMax"));
            gcPause += Number(state, "GcPauseMs");
        }
        if (hops.Count == 0 && windows == 0) return null;
        LatencyStats Of(string name) => LatencyStats.Of(hops.TryGetValue(name, out var list) ? list : []);
        return new ServerHops(Of("FinalToPostedMs"), Of("PostedToDeltaMs"), Of("DeltaToLoopMs"), Of("LoopToTtsMs"), Of("TtsToAudioMs"),
            Of("AudioToLoopMs"), Of("QueuedToSentMs"), windows, worstGapP99, gapMax, walkMax, poolMax, gcPause);
    }

    private static readonly string[] HopNames = ["FinalToPostedMs", "PostedToDeltaMs", "DeltaToLoopMs", "LoopToTtsMs", "TtsToAudioMs", "AudioToLoopMs", "QueuedToSentMs"];

    private static double Number(JsonElement state, string name)
        => state.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : 0;

    public const string Header = "| server | speculation | calls | replies | STT final → posted | posted → model first delta | delta → pipeline loop | loop → TTS client | TTS → first audio read | audio read → loop | queued → frame written | tick gap p99 (worst window) / max ms | tick walk max ms | pool queue max | GC pause ms (windows) |";

    public static string Row(MediaLevelResult r, ServerHops h)
    {
        static string P(LatencyStats s) => s.Count == 0 ? "n/a" : string.Create(CultureInfo.InvariantCulture, $"{s.Median:F1} / {s.P99:F1}");
        return string.Create(CultureInfo.InvariantCulture,
            $"| {r.Target} | {r.Speculation} | {r.Calls} | {h.QueuedToSent.Count} | {P(h.FinalToPosted)} | {P(h.PostedToDelta)} | {P(h.DeltaToLoop)} | {P(h.LoopToTts)} | {P(h.TtsToAudio)} | {P(h.AudioToLoop)} | {P(h.QueuedToSent)} | {h.WorstTickGapP99Ms:F1} / {h.TickGapMaxMs:F1} | {h.TickWalkMaxMs:F2} | {h.PoolQueueMax} | {h.GcPauseMs:F0} ({h.TickWindows}) |");
    }
}
