using System.Runtime.CompilerServices;

namespace VoiceAgent.Tests.TestSupport;

/// <summary>Every await in a test is bounded, so a hang fails fast and names its line.</summary>
public static class TaskTimeoutExtensions
{
    /// <summary>Only guards against hangs: generous, because the machine may be loaded (never a performance bound).</summary>
    public static readonly TimeSpan DefaultTimeoutSpan = TimeSpan.FromSeconds(30);

    public static async Task<T> DefaultTimeout<T>(this Task<T> task, TimeSpan? timeout = null,
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        try { return await task.WaitAsync(timeout ?? DefaultTimeoutSpan); }
        catch (TimeoutException) when (!task.IsCompleted) { throw new TimeoutException($"Timed out at {Path.GetFileName(file)}:{line}"); }
    }

    public static async Task DefaultTimeout(this Task task, TimeSpan? timeout = null,
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        try { await task.WaitAsync(timeout ?? DefaultTimeoutSpan); }
        catch (TimeoutException) when (!task.IsCompleted) { throw new TimeoutException($"Timed out at {Path.GetFileName(file)}:{line}"); }
    }

    public static Task<T> DefaultTimeout<T>(this ValueTask<T> task, TimeSpan? timeout = null,
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        => task.AsTask().DefaultTimeout(timeout, file, line);

    public static Task DefaultTimeout(this ValueTask task, TimeSpan? timeout = null,
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        => task.AsTask().DefaultTimeout(timeout, file, line);
}
