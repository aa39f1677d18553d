using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace VoiceAgent.Cli.Bench.Outside;

/// <summary>
/// A published server started as a process of its own (<c>dotnet VoiceAgent.Server.dll</c>), its console read and
/// dropped (the last lines are kept for an error report) or, with a log file, its standard output appended there line
/// by line (what <c>voiceagent analyze</c> reads when the server logs JSON); killed on dispose.
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Queue<string> _tail = new();
    private readonly StreamWriter? _log;
    private int _disposed;
    private bool _logClosed;

    private ServerProcess(Process process, Uri address, StreamWriter? log)
    {
        _process = process;
        Address = address;
        _log = log;
        process.OutputDataReceived += (_, e) =>
        {
            Keep(e.Data);
            if (e.Data is not null && log is not null) Append(log, e.Data);
        };
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Uri Address { get; }
    public int Pid => _process.Id;

    public string Tail
    {
        get { lock (_tail) return string.Join(Environment.NewLine, _tail); }
    }

    /// <param name="logPath">Where to append the server's standard output; null drops it.</param>
    public static async Task<ServerProcess> StartAsync(string publishedDir, IReadOnlyDictionary<string, string> environment, string? logPath, CancellationToken cancellationToken)
    {
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet", [Path.Combine(publishedDir, "VoiceAgent.Server.dll")])
        {
            WorkingDirectory = publishedDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in environment) start.Environment[key] = value;
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        var log = logPath is null ? null : new StreamWriter(new FileStream(logPath, FileMode.Append, FileAccess.Write, FileShare.Read)) { AutoFlush = true };
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the server process.");
        }
        catch
        {
            log?.Dispose();
            throw;
        }
        var server = new ServerProcess(process, new Uri($"http://127.0.0.1:{port}"), log);
        try
        {
            // A published server runs its warm-up call before it reports healthy; on a loaded 2-core machine that has
            // taken over 30 s, so the bound is generous and counted in time; an exit fails the start at once.
            await ServerHealth.WaitHealthyAsync(process, server.Address, () => Task.FromResult($"(in {publishedDir}){Environment.NewLine}{server.Tail}"),
                ServerHealth.HealthyWithin, TimeProvider.System, cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    private void Keep(string? line)
    {
        if (line is null) return;
        lock (_tail)
        {
            _tail.Enqueue(line);
            if (_tail.Count > 40) _tail.Dequeue();
        }
    }

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
            try { await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10)); }
            catch (TimeoutException) { }
        }
        _process.Dispose();
        if (_log is not null)
            lock (_log)
            {
                _logClosed = true;
                _log.Dispose();
            }
    }

    private void Append(StreamWriter log, string line)
    {
        lock (log)
            if (!_logClosed) log.WriteLine(line); // a line read after dispose is dropped
    }
}
