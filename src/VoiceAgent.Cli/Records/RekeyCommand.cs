using Microsoft.Extensions.Configuration;
using VoiceAgent.Hosting;
using VoiceAgent.Storage.Records;

namespace VoiceAgent.Cli.Records;

/// <summary>
/// <c>voiceagent rekey</c>: after rotating <c>TRANSCRIPT_ENCRYPTION_KEY</c> (old key moved to
/// <c>TRANSCRIPT_ENCRYPTION_OLD_KEYS</c>), re-encrypts every stored transcript under the new key. Reads the same
/// environment as the server (<c>DATABASE_URL</c>, <c>DATA_DIR</c>, the keys); safe to run while it serves calls.
/// </summary>
internal static class RekeyCommand
{
    public static async Task<int> RunAsync(string? dataDir, TextWriter output, CancellationToken cancellationToken)
    {
        var overrides = new Dictionary<string, string?>();
        if (dataDir is not null) overrides["DATA_DIR"] = dataDir;
        var config = new ConfigurationBuilder().AddEnvironmentVariables().AddInMemoryCollection(overrides).Build();
        var (count, keyId) = await TranscriptRekeyer.RunAsync(VoiceAgentSettings.From(config), cancellationToken);
        await output.WriteLineAsync($"re-encrypted {count} transcript(s) under key {keyId}");
        return 0;
    }
}
