using System.CommandLine;
using VoiceAgent.Cli.CommandLine;

namespace VoiceAgent.Cli.Records;

/// <summary><c>voiceagent rekey</c>: its options and help.</summary>
internal static class RekeyCommandLine
{
    public static Command Create(CliConsole console)
    {
        var dataDir = OptionValues.Text("--data-dir", "The server's DATA_DIR (the SQLite store when DATABASE_URL is not set).", "dir");
        var command = new Command("rekey",
            "Re-encrypts stored transcripts under TRANSCRIPT_ENCRYPTION_KEY (older keys in TRANSCRIPT_ENCRYPTION_OLD_KEYS). "
            + "Uses the server's environment: DATABASE_URL (else SQLite in DATA_DIR) and the keys.")
        {
            dataDir,
        };
        command.SetAction((parseResult, cancellationToken) => RekeyCommand.RunAsync(parseResult.GetValue(dataDir), console.Output, cancellationToken));
        return command;
    }
}
