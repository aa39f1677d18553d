using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace VoiceAgent.Cli.Bench;

/// <summary>
/// The real server in a child process of its own, so the bench can read the server's CPU time apart from the
/// emulated callers and providers, and parse its per-reply latency log lines.
/// </summary>
internal sealed partial class IsolatedServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<(double SpeechEndToAudio, double ServerShare)> _replies = new();
    private readonly ConcurrentQueue<string> _tail = new(); // the server's last output lines (warnings and errors), for a failure's explanation
    private const int TailLines = 40;
    private const int KeptLines = 5000;
    private readonly ConcurrentQueue<string> _kept = new(); // the last KeptLines lines, to find one call's lines by its id
    private int _disposed;

    private IsolatedServer(Process process, Uri address)
    {
        _process = process;
        Address = address;
        process.OutputDataReceived += (_, e) => Parse(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Uri Address { get; }

    /// <summary>The server process's id (for /proc).</summary>
    public int ProcessId => _process.Id;
    public TimeSpan CpuTime { get { _process.Refresh(); return _process.TotalProcessorTime; } }
    public IReadOnlyCollection<(double SpeechEndToAudio, double ServerShare)> Replies => _replies;

    /// <summary>The server's last output lines (at most 40; the log level is Warning, so these are what went wrong).</summary>
    public IReadOnlyList<string> OutputTail => _tail.ToArray();

    /// <summary>The server's kept output lines (its last 5,000) that mention <paramref name="text"/>, such as a call id.</summary>
    public IReadOnlyList<string> LinesAbout(string text) => _kept.Where(l => l.Contains(text, StringComparison.Ordinal)).ToArray();

    /// <summary>The server's resident memory now (VmRSS from /proc), in MB; 0 where /proc is not available.</summary>
    public double ResidentMegabytes()
    {
        var status = $"/proc/{_process.Id}/status";
        if (!File.Exists(status)) return 0;
        foreach (var line in File.ReadLines(status))
        {
            if (!line.StartsWith("VmRSS:", StringComparison.Ordinal)) continue;
            var kb = long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            return kb / 1024.0;
        }
        return 0;
    }

    /// <param name="serverDll">A published <c>VoiceAgent.Server.dll</c>; null runs the one built next to the CLI.</param>
    public static async Task<IsolatedServer> StartAsync(IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken, string? serverDll = null)
    {
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet", [serverDll ?? Path.Combine(AppContext.BaseDirectory, "VoiceAgent.Server.dll")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in environment) start.Environment[key] = value;
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Logging__LogLevel__VoiceAgent.Speech.Pipeline.SpeechPipeline"] = "Information";
        start.Environment["Logging__Console__FormatterName"] = "simple";
        start.Environment["Logging__Console__FormatterOptions__SingleLine"] = "true";
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the server process.");
        var server = new IsolatedServer(process, new Uri($"http://127.0.0.1:{port}"));
        try
        {
            // A loaded machine (JIT, the records schema, the model warm-up) can take tens of seconds: the bound is counted
            // in time, and an exit stops the wait at once with the server's own explanation.
            await ServerHealth.WaitHealthyAsync(process, server.Address, () => Task.FromResult(string.Join(Environment.NewLine, server.OutputTail)),
                ServerHealth.HealthyWithin, TimeProvider.System, cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    private void Parse(string? line)
    {
        if (line is null) return;
        Keep(line);
        var match = FirstAudioLine().Match(line);
        if (match.Success)
            _replies.Enqueue((double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), double.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture)));
    }

    private void Keep(string? line)
    {
        if (string.IsNullOrWhiteSpace(line)) return;
        _tail.Enqueue(line);
        while (_tail.Count > TailLines) _tail.TryDequeue(out _);
        _kept.Enqueue(line);
        while (_kept.Count > KeptLines) _kept.TryDequeue(out _);
    }

    [GeneratedRegex(@"first audio out ([\d.]+) ms after speech end \(server share ([\d.]+) ms")]
    private static partial Regex FirstAudioLine();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(5));
        }
        _process.Dispose();
    }
}
