using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

namespace VoiceAgent.Tests.TestSupport.Processes;

/// <summary>
/// A real <c>redis-server</c> on a free loopback port, no persistence, owned by the test: it can be stopped and started
/// again on the same port (a Redis outage). Needs redis-server on the PATH (scripts/test.sh installs it).
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    public const string UrlVariable = "VOICEAGENT_TEST_REDIS_URL";
    /// <summary>How long a started redis-server may take to answer PING: generous, for a loaded machine.</summary>
    private static readonly TimeSpan AnswersWithin = TimeSpan.FromSeconds(30);
    private Process? _process;

    private RedisServer(int port) => Port = port;

    public int Port { get; }
    public string Url => $"redis://127.0.0.1:{Port}";

    public static async Task<RedisServer> StartAsync()
    {
        var server = new RedisServer(ServerProcess.FreePort());
        await server.StartAgainAsync();
        return server;
    }

    /// <summary>The Redis the test command started (<c>VOICEAGENT_TEST_REDIS_URL</c>), else a new one owned by the caller (null URL means owned).</summary>
    public static async Task<(string Url, RedisServer? Owned)> SharedAsync()
    {
        if (Environment.GetEnvironmentVariable(UrlVariable) is { Length: > 0 } url) return (url, null);
        var owned = await StartAsync();
        return (owned.Url, owned);
    }

    public async Task StartAgainAsync()
    {
        var start = new ProcessStartInfo("redis-server",
            ["--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no", "--loglevel", "warning"])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        try
        {
            _process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start.");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException($"redis-server is not installed: run ./scripts/test.sh (it installs it) or set {UrlVariable}.", ex);
        }
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        using var bound = new CancellationTokenSource(AnswersWithin);
        for (var i = 0; i < 600 && !bound.IsCancellationRequested && !_process.HasExited; i++)
        {
            if (await AnswersAsync()) return;
            try { await Task.Delay(50, bound.Token); }
            catch (OperationCanceledException) { }
        }
        var exited = _process.HasExited;
        await StopAsync(); // a server that did not answer is not left running
        throw new InvalidOperationException(exited
            ? $"redis-server exited before it answered on port {Port}."
            : $"redis-server did not answer on port {Port} within {AnswersWithin.TotalSeconds:F0} s.");
    }

    /// <summary>Kills the server (an outage: connections drop, nothing is kept).</summary>
    public async Task StopAsync()
    {
        if (_process is null) return;
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync().DefaultTimeout();
        _process.Dispose();
        _process = null;
    }

    public async Task<IConnectionMultiplexer> ConnectAsync() => await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{Port}");

    private async Task<bool> AnswersAsync()
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Port);
            await using var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray());
            var buffer = new byte[16];
            var read = await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(2));
            return read > 0 && buffer[0] == (byte)'+';
        }
        catch (Exception ex) when (ex is SocketException or IOException or TimeoutException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
