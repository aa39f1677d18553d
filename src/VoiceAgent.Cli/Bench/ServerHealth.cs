using System.Diagnostics;
using System.Globalization;

namespace VoiceAgent.Cli.Bench;

/// <summary>
/// Waits for a server process just started to answer <c>GET /healthz</c> with a success code: bounded in time on the
/// given clock (and in attempts), and failing at once, with the process's own output, when the process exits first.
/// The one wait of the bench's servers and of the tests' server processes.
/// </summary>
internal static class ServerHealth
{
    /// <summary>
    /// How long a started server has to answer. Generous on purpose: start-up runs the warm-up call, and on a loaded
    /// 2-core machine (load average 45) that took over 30 s; this only fails when start-up is broken.
    /// </summary>
    public static readonly TimeSpan HealthyWithin = TimeSpan.FromSeconds(120);

    private const int MaxAttempts = 3000;
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan BetweenAttempts = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Returns once <paramref name="process"/> answers <c>/healthz</c> at <paramref name="address"/>; otherwise throws
    /// <see cref="InvalidOperationException"/> whose message ends with <paramref name="describe"/>'s text (the process's
    /// output or log, read after the process's output ended when it exited).
    /// </summary>
    /// <param name="within">The bound, counted on <paramref name="clock"/> from this call.</param>
    public static async Task WaitHealthyAsync(Process process, Uri address, Func<Task<string>> describe, TimeSpan within, TimeProvider clock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(process);
        ArgumentNullException.ThrowIfNull(describe);
        var health = new Uri(address, "/healthz");
        using var bound = new CancellationTokenSource(within, clock);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(bound.Token, cancellationToken);
        using var http = new HttpClient { Timeout = AttemptTimeout };
        // Completes when the process exited and its redirected output reached its end; stopped when this wait ends.
        var exited = process.WaitForExitAsync(stop.Token);
        try
        {
            for (var attempt = 0; attempt < MaxAttempts && !bound.IsCancellationRequested; attempt++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (exited.IsCompletedSuccessfully) throw Exited(process.ExitCode, await describe());
                var answered = AnswersAsync(http, health, stop.Token);
                if (await Task.WhenAny(answered, exited) == answered && await answered) return;
                if (exited.IsCompletedSuccessfully) throw Exited(process.ExitCode, await describe());
                var pause = Task.Delay(BetweenAttempts, clock, stop.Token);
                await Task.WhenAny(pause, exited); // a cancelled pause ends the loop at its condition (or the caller's throw)
            }
            cancellationToken.ThrowIfCancellationRequested();
            var output = await describe();
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"The server process did not become healthy within {within.TotalSeconds:F0} s; its output:\n{output}"));
        }
        finally
        {
            await stop.CancelAsync(); // the exit watch (and an attempt still running) end with this wait
            try { await exited; }
            catch (OperationCanceledException) { }
        }
    }

    private static InvalidOperationException Exited(int code, string output)
        => new(string.Create(CultureInfo.InvariantCulture, $"The server process exited with {code} before it was healthy; its output:\n{output}"));

    /// <summary>One attempt: true on a success code; false when refused, failed, or not answered within its timeout.</summary>
    private static async Task<bool> AnswersAsync(HttpClient http, Uri health, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.GetAsync(health, cancellationToken);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException) { return false; }
        catch (OperationCanceledException) { return false; } // this attempt's timeout, or the wait ended
    }
}
