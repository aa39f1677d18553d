using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace VoiceAgent.Tests.TestSupport.Audio;

/// <summary>
/// Runs espeak-ng and sox for test audio and caches what they make in a temp folder for this test run
/// (deleted when the test process exits). Outputs are keyed by the command line, so a second request for
/// the same audio reads the cached file. Safe to call from tests running in parallel.
/// </summary>
public static class AudioTools
{
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The per-run cache folder.</summary>
    public static readonly string CacheDirectory = CreateCacheDirectory();

    /// <summary>
    /// Makes (or reuses) the file produced by running <paramref name="tool"/> with <paramref name="arguments"/>, where
    /// <c>{out}</c> in an argument stands for the output path. Returns the output path.
    /// </summary>
    public static async Task<string> ProduceAsync(string tool, string extension, params string[] arguments)
    {
        string key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(tool + "\n" + string.Join("\n", arguments))))[..24];
        string target = Path.Combine(CacheDirectory, $"{key}.{extension}");
        if (File.Exists(target))
        {
            return target;
        }

        string temporary = Path.Combine(CacheDirectory, $"{key}.{Guid.NewGuid():N}.{extension}");
        await RunAsync(tool, arguments.Select(a => a.Replace("{out}", temporary, StringComparison.Ordinal)).ToArray());
        File.Move(temporary, target, overwrite: true);
        return target;
    }

    /// <summary>Runs a tool to completion; throws with its stderr when it fails or is missing.</summary>
    public static async Task RunAsync(string tool, IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo(tool)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {tool}.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"{tool} is not installed; run `apt-get install -y espeak-ng sox`.", e);
        }

        using (process)
        {
            using var timeout = new CancellationTokenSource(ToolTimeout);
            Task<string> stderr = process.StandardError.ReadToEndAsync(timeout.Token);
            Task<string> stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true); // a hung tool is not left running
                throw new TimeoutException($"{tool} {string.Join(' ', arguments)} did not finish within {ToolTimeout.TotalSeconds:F0} s.");
            }
            string error = await stderr;
            await stdout;
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"{tool} {string.Join(' ', arguments)} failed ({process.ExitCode}): {error}");
            }
        }
    }

    private static string CreateCacheDirectory()
    {
        string directory = Path.Combine(Path.GetTempPath(), "voiceagent-test-audio", $"run-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        };
        return directory;
    }
}
