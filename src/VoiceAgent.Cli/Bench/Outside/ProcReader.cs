using System.Globalization;

namespace VoiceAgent.Cli.Bench.Outside;

/// <summary>
/// Reads a process's CPU time (<c>/proc/&lt;pid&gt;/stat</c>, user + system) and memory (<c>/proc/&lt;pid&gt;/status</c>
/// VmRSS, VmHWM) from outside. Linux only; the bench says "n/a" for these figures elsewhere.
/// </summary>
internal sealed class ProcReader(int pid)
{
    /// <summary>Clock ticks per second of /proc/&lt;pid&gt;/stat (USER_HZ, 100 on Linux builds since forever).</summary>
    private const double TicksPerSecond = 100.0;

    public int Pid { get; } = pid;

    public static bool Supported => File.Exists("/proc/self/stat");

    /// <summary>User + system CPU seconds the process has used so far.</summary>
    public double CpuSeconds() => ParseCpuSeconds(File.ReadAllText($"/proc/{Pid}/stat"));

    /// <summary>Resident set size now, in KB.</summary>
    public long ResidentKb() => StatusKb("VmRSS:");

    /// <summary>Peak resident set size since start, in KB.</summary>
    public long PeakResidentKb() => StatusKb("VmHWM:");

    /// <summary>utime (field 14) + stime (field 15) of a stat line; the command name (field 2) may hold spaces and parentheses.</summary>
    internal static double ParseCpuSeconds(string stat)
    {
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // fields[0] is field 3 (state), so field n is fields[n - 3].
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return ticks / TicksPerSecond;
    }

    private long StatusKb(string key)
    {
        foreach (var line in File.ReadLines($"/proc/{Pid}/status"))
            if (line.StartsWith(key, StringComparison.Ordinal))
                return long.Parse(line[key.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        throw new InvalidOperationException($"/proc/{Pid}/status has no {key} line.");
    }
}
