using System.Globalization;

namespace VoiceAgent.Cli.Bench;

/// <summary>
/// Where a server process's memory is at one moment, read from outside: resident memory from
/// <c>/proc/&lt;pid&gt;/status</c> split into file-backed pages (the mapped assemblies and native libraries, shared
/// and cheap to drop) and anonymous ones (the GC heap, native allocations, thread stacks, JIT'd code), the thread
/// count, and the runtime's own GC figures from <c>/metrics</c>. Anonymous minus GC committed is what the process
/// holds outside the managed heap. MB; NaN for what could not be read.
/// </summary>
internal readonly record struct ServerMemory(double RssMb, double AnonMb, double FileMb, int Threads, double HeapMb, double CommittedMb, double FragmentedMb)
{
    /// <summary>Anonymous resident memory the GC has not committed: native allocations, stacks, code, runtime data.</summary>
    public double NativeMb => AnonMb - CommittedMb;

    public static ServerMemory Read(int pid, (double Heap, double Committed, double Fragmented) gc)
    {
        double rss = double.NaN, anon = double.NaN, file = double.NaN;
        var threads = 0;
        var status = $"/proc/{pid}/status";
        if (File.Exists(status))
        {
            foreach (var line in File.ReadLines(status))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal)) rss = Kb(line) / 1024.0;
                else if (line.StartsWith("RssAnon:", StringComparison.Ordinal)) anon = Kb(line) / 1024.0;
                else if (line.StartsWith("RssFile:", StringComparison.Ordinal)) file = Kb(line) / 1024.0;
                else if (line.StartsWith("Threads:", StringComparison.Ordinal)) threads = (int)Kb(line);
            }
        }
        return new ServerMemory(rss, anon, file, threads, gc.Heap, gc.Committed, gc.Fragmented);
    }

    public string Row(string phase) => string.Create(CultureInfo.InvariantCulture,
        $"  {phase,-28} {RssMb,6:F0} {AnonMb,6:F0} {FileMb,6:F0} {HeapMb,6:F0} {CommittedMb,9:F0} {FragmentedMb,10:F0} {NativeMb,7:F0} {Threads,7}");

    public const string Header = "  phase                        RSS MB   anon   file   heap committed fragmented  native threads";

    private static long Kb(string line) => long.Parse(line[(line.IndexOf(':') + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
}
