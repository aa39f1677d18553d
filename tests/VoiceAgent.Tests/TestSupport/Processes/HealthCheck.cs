using System.Diagnostics;

namespace VoiceAgent.Tests.TestSupport.Processes;

/// <summary>
/// Waits for a server process started by a test to answer <c>GET /healthz</c>: bounded in attempts and by
/// <see cref="ServerProcess.HealthyWithin"/>, and failing at once when the process exits first.
/// </summary>
internal static class HealthCheck
{
    private const int MaxAttempts = 3000;
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan BetweenAttempts = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan ExitDrain = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Returns once <paramref name="process"/> answers <c>/healthz</c> at <paramref name="address"/> with a success code;
    /// otherwise throws <see cref="InvalidOperationException"/> whose message ends with <paramref name="describe"/>'s text
    /// (the process's output or log), read after the process exited when it did.
    /// </summary>
    public static async Task WaitHealthyAsync(Process process, Uri address, Func<Task<string>> describe)
    {
        var health = new Uri(address, "/healthz");
        using var http = new HttpClient { Timeout = AttemptTimeout };
        using var bound = new CancellationTokenSource(ServerProcess.HealthyWithin);
        for (var attempt = 0; attempt < MaxAttempts && !bound.IsCancellationRequested; attempt++)
        {
            if (process.HasExited)
            {
                // The output is complete once the process's redirected streams reached their end.
                await process.WaitForExitAsync().WaitAsync(ExitDrain);
                throw new InvalidOperationException($"The server process exited with {process.ExitCode} before it was healthy; its output:\n{await describe()}");
            }
            try
            {
                using var response = await http.GetAsync(health, bound.Token);
                if (response.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            catch (OperationCanceledException) { } // this attempt's timeout, or the overall bound (the loop ends)
            try { await Task.Delay(BetweenAttempts, bound.Token); }
            catch (OperationCanceledException) { }
        }
        throw new InvalidOperationException($"The server process did not become healthy within {ServerProcess.HealthyWithin.TotalSeconds:F0} s; its output:\n{await describe()}");
    }
}
