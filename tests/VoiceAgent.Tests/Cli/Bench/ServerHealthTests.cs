using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using VoiceAgent.Cli.Bench;
using VoiceAgent.Server;
using VoiceAgent.Tests.TestSupport;
using VoiceAgent.Tests.TestSupport.Processes;

namespace VoiceAgent.Tests.Cli.Bench;

/// <summary>
/// The one /healthz wait of the bench's servers and the tests' server processes: real processes, a real Kestrel
/// /healthz on 127.0.0.1, and the bound counted on a manual clock (never on the wall clock).
/// </summary>
public sealed class ServerHealthTests : IAsyncLifetime
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(120);
    private readonly ManualTimeProvider _clock = new();
    private readonly Channel<int> _answers = Channel.CreateUnbounded<int>(); // what the next /healthz answers (then 200)
    private WebApplication _health = null!;
    private Process _running = null!;
    private int _asked;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _health = builder.Build();
        _health.MapGet("/healthz", () =>
        {
            Interlocked.Increment(ref _asked);
            return Results.StatusCode(_answers.Reader.TryRead(out var status) ? status : 200);
        });
        await _health.StartAsync().DefaultTimeout();
        _running = Start("sleep", "600"); // a process that stays up while the wait runs
    }

    public async Task DisposeAsync()
    {
        if (!_running.HasExited) _running.Kill(entireProcessTree: true);
        await _running.WaitForExitAsync().DefaultTimeout();
        _running.Dispose();
        await _health.StopAsync().DefaultTimeout();
        await _health.DisposeAsync();
    }

    [Fact]
    public async Task Returns_once_the_server_answers_healthz_with_a_success_code()
    {
        await ServerHealth.WaitHealthyAsync(_running, _health.BoundAddress(), Describe("unused"), Within, _clock, CancellationToken.None).DefaultTimeout();

        Assert.Equal(1, Volatile.Read(ref _asked));
    }

    [Fact]
    public async Task Asks_again_after_its_pause_on_the_clock_while_the_server_answers_an_error()
    {
        _answers.Writer.TryWrite(503);

        var wait = ServerHealth.WaitHealthyAsync(_running, _health.BoundAddress(), Describe("unused"), Within, _clock, CancellationToken.None);
        await _clock.WaitForPendingTimersAsync(2).DefaultTimeout(); // the bound and the pause after the 503
        Assert.False(wait.IsCompleted);
        Assert.Equal(1, Volatile.Read(ref _asked));
        _clock.Advance(TimeSpan.FromMilliseconds(100));

        await wait.DefaultTimeout();
        Assert.Equal(2, Volatile.Read(ref _asked));
    }

    [Fact]
    public async Task Fails_at_once_with_the_exit_code_and_output_when_the_process_exits_before_it_is_healthy()
    {
        using var dying = Start("sh", "-c", "exit 3");
        var nobody = new Uri($"http://127.0.0.1:{ServerProcess.FreePort()}"); // refused: the wait keeps asking until the exit

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(
            () => ServerHealth.WaitHealthyAsync(dying, nobody, Describe("LLM_PROVIDER must be set"), Within, _clock, CancellationToken.None)).DefaultTimeout();

        // The manual clock never moved: the wait ended because the process exited, not because its bound passed.
        Assert.Contains("exited with 3 before it was healthy", failure.Message, StringComparison.Ordinal);
        Assert.EndsWith("LLM_PROVIDER must be set", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Gives_up_when_its_bound_passes_on_the_clock_while_the_process_runs()
    {
        for (var i = 0; i < 10; i++) _answers.Writer.TryWrite(503);

        var wait = ServerHealth.WaitHealthyAsync(_running, _health.BoundAddress(), Describe("still warming up"), Within, _clock, CancellationToken.None);
        await _clock.WaitForPendingTimersAsync(2).DefaultTimeout(); // the bound and the pause after the first 503
        _clock.Advance(Within);

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => wait).DefaultTimeout();
        Assert.Contains("did not become healthy within 120 s", failure.Message, StringComparison.Ordinal);
        Assert.EndsWith("still warming up", failure.Message, StringComparison.Ordinal);
        Assert.False(_running.HasExited);
    }

    private static Func<Task<string>> Describe(string output) => () => Task.FromResult(output);

    private static Process Start(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }
}
