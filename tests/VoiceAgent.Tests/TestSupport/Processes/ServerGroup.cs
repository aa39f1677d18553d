using System.Runtime.ExceptionServices;

namespace VoiceAgent.Tests.TestSupport.Processes;

/// <summary>
/// Starts several servers at once for one test. When any start fails, the ones that did start are disposed (no orphaned
/// server processes), then the first failure is rethrown as it was (its message carries the failed server's output).
/// </summary>
internal static class ServerGroup
{
    /// <param name="starts">One start per server, each bounded by itself (as <see cref="ServerProcess.StartAsync"/> and
    /// <see cref="JsonLogServer.StartAsync"/> are); <paramref name="bound"/> is only a hang guard over them all.</param>
    public static async Task<T[]> StartAllAsync<T>(IReadOnlyList<Func<Task<T>>> starts, TimeSpan bound) where T : IAsyncDisposable
    {
        var starting = starts.Select(start => Task.Run(start)).ToArray();
        var all = Task.WhenAll(starting);
        try
        {
            return await all.WaitAsync(bound);
        }
        catch (Exception first)
        {
            // Let the other starts finish (each is bounded by itself) so every server that came up is disposed here.
            try { await all.WaitAsync(bound); }
            catch (Exception) { } // the failures are reported below, the first one as it was thrown
            foreach (var task in starting)
            {
                if (task.IsCompletedSuccessfully) await task.Result.DisposeAsync();
                else if (!task.IsCompleted) _ = DisposeWhenStartedAsync(task);
            }
            var failed = starting.FirstOrDefault(t => t.IsFaulted)?.Exception?.InnerException;
            if (failed is not null) ExceptionDispatchInfo.Capture(failed).Throw();
            if (first is TimeoutException) throw new TimeoutException($"{starting.Count(t => !t.IsCompleted)} of {starting.Length} servers did not start within {bound.TotalSeconds:F0} s.", first);
            throw;
        }
    }

    /// <summary>Starts <paramref name="count"/> servers with the same start (see the other overload).</summary>
    public static Task<T[]> StartAllAsync<T>(int count, Func<Task<T>> start, TimeSpan bound) where T : IAsyncDisposable
        => StartAllAsync(Enumerable.Repeat(start, count).ToArray(), bound);

    private static async Task DisposeWhenStartedAsync<T>(Task<T> start) where T : IAsyncDisposable
    {
        try { await (await start).DisposeAsync(); }
        catch (Exception) { } // a start that failed disposed what it had started; nothing is left to report to
    }
}
