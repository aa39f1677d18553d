using System.Diagnostics;

namespace VoiceAgent.Cli.Bench.Outside;

/// <summary>
/// Produces a published Release build of the server, ReadyToRun for this machine's runtime identifier (the way
/// docs/hot-path.md says to deploy it): from a source tree (<c>dotnet publish -c Release -r RID -p:PublishReadyToRun=true</c>) or
/// from a git ref of the repository (exported with <c>git archive</c> into a scratch folder, then published).
/// A ref's build is cached under the bench's scratch folder by commit, so a baseline is built once.
/// </summary>
internal static class ServerBuild
{
    private const string ServerProject = "src/VoiceAgent.Server/VoiceAgent.Server.csproj";
    private static string RuntimeIdentifier => System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier;

    /// <summary>The folder holding <c>VoiceAgent.Server.dll</c> published from <paramref name="sourceRoot"/>.</summary>
    public static async Task<string> PublishAsync(string sourceRoot, string outputDir, TextWriter log, CancellationToken cancellationToken)
    {
        await log.WriteLineAsync($"  publishing {sourceRoot} (Release, ReadyToRun {RuntimeIdentifier}) to {outputDir} ...");
        await RunAsync("dotnet", ["publish", Path.Combine(sourceRoot, ServerProject), "-c", "Release", "-r", RuntimeIdentifier, "--self-contained", "false",
            "-p:PublishReadyToRun=true", "-o", outputDir, "--nologo", "-v", "quiet"], sourceRoot, cancellationToken);
        var dll = Path.Combine(outputDir, "VoiceAgent.Server.dll");
        return File.Exists(dll) ? outputDir : throw new InvalidOperationException($"dotnet publish produced no {dll}.");
    }

    /// <summary>Publishes git ref <paramref name="gitRef"/> of the repository at <paramref name="repoRoot"/>; reuses an earlier build of the same commit.</summary>
    public static async Task<(string Dir, string Commit)> PublishRefAsync(string repoRoot, string gitRef, string scratch, TextWriter log, CancellationToken cancellationToken)
    {
        var commit = (await RunAsync("git", ["-C", repoRoot, "rev-parse", "--verify", gitRef + "^{commit}"], repoRoot, cancellationToken)).Trim();
        var outputDir = Path.Combine(scratch, "publish-r2r-" + commit[..12]);
        if (File.Exists(Path.Combine(outputDir, "VoiceAgent.Server.dll")))
        {
            await log.WriteLineAsync($"  reusing the published build of {gitRef} ({commit[..12]}) in {outputDir}");
            return (outputDir, commit);
        }
        var source = Path.Combine(scratch, "source-" + commit[..12]);
        if (Directory.Exists(source)) Directory.Delete(source, recursive: true);
        Directory.CreateDirectory(source);
        var archive = Path.Combine(scratch, commit[..12] + ".tar");
        await RunAsync("git", ["-C", repoRoot, "archive", "--format=tar", "-o", archive, commit], repoRoot, cancellationToken);
        await RunAsync("tar", ["-xf", archive, "-C", source], source, cancellationToken);
        File.Delete(archive);
        await PublishAsync(source, outputDir, log, cancellationToken);
        return (outputDir, commit);
    }

    /// <summary>The repository root above <paramref name="start"/> (the folder holding VoiceAgent.slnx).</summary>
    public static string FindSourceRoot(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "VoiceAgent.slnx"))) return dir.FullName;
        throw new InvalidOperationException($"No VoiceAgent.slnx above {start}; pass --source DIR or --server-dir DIR.");
    }

    private static async Task<string> RunAsync(string file, string[] arguments, string workingDirectory, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(file, arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        try { await process.WaitForExitAsync(cancellationToken); }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed ({process.ExitCode}): {await stdout}{await stderr}");
        return await stdout;
    }
}
