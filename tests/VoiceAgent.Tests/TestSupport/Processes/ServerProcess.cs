using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using VoiceAgent.Cli.Bench;

namespace VoiceAgent.Tests.TestSupport.Processes;

/// <summary>
/// The real server (<c>dotnet VoiceAgent.Server.dll</c>) as an operating-system process of its own on a free loopback
/// port, so a test can run two instances, kill one with SIGKILL or stop it with SIGTERM, and read its exit code.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private ServerProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) _output.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _output.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Uri Address { get; }
    public int ProcessId => _process.Id;
    public bool HasExited => _process.HasExited;
    public string Output => string.Join('\n', _output);

    /// <summary>
    /// How long a started server may take to answer /healthz. Generous on purpose: start-up runs the warm-up call, and a
    /// fresh-clone run on a loaded 2-core machine (load average 45) took over 30 s; this only fails when start-up is broken.
    /// </summary>
    public static readonly TimeSpan HealthyWithin = ServerHealth.HealthyWithin;

    /// <summary>
    /// A bound for awaiting <see cref="StartAsync"/> (several at once included, see <see cref="StartManyAsync"/>): longer
    /// than <see cref="HealthyWithin"/>.
    /// </summary>
    public static readonly TimeSpan StartBound = HealthyWithin + TimeSpan.FromSeconds(30);

    /// <summary>
    /// Starts <paramref name="count"/> instances at once; if any fails, the ones that started are disposed and the first
    /// failure is rethrown with its output.
    /// </summary>
    public static Task<ServerProcess[]> StartManyAsync(int count, Func<IReadOnlyDictionary<string, string>> environment)
        => ServerGroup.StartAllAsync(count, () => StartAsync(environment()), StartBound);

    /// <summary>Starts one instance and returns once it answers /healthz; disposes it and throws with its output otherwise.</summary>
    public static async Task<ServerProcess> StartAsync(IReadOnlyDictionary<string, string> environment)
    {
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "VoiceAgent.Server.dll")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Logging__Console__FormatterName"] = "simple";
        start.Environment["Logging__Console__FormatterOptions__SingleLine"] = "true";
        foreach (var (key, value) in environment) start.Environment[key] = value;
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the server process.");
        var server = new ServerProcess(process, new Uri($"http://127.0.0.1:{port}"));
        try
        {
            await ServerHealth.WaitHealthyAsync(process, server.Address, () => Task.FromResult(server.Output), HealthyWithin, TimeProvider.System, CancellationToken.None);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>SIGKILL: the instance dies mid-call, with no chance to write or close anything (nor any child it started).</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync().DefaultTimeout();
    }

    /// <summary>SIGTERM, as an orchestrator sends on a redeploy.</summary>
    public async Task TerminateAsync()
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false })
            ?? throw new InvalidOperationException("Could not run kill.");
        await kill.WaitForExitAsync().DefaultTimeout();
        if (kill.ExitCode != 0) throw new InvalidOperationException($"kill -TERM exited with {kill.ExitCode}.");
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        await _process.WaitForExitAsync().DefaultTimeout(timeout);
        return _process.ExitCode;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        _process.Dispose();
    }
}
