using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;
using VoiceAgent.Cli.Analyze;
using VoiceAgent.Cli.Bench;
using VoiceAgent.Cli.Records;
using VoiceAgent.Cli.Softphone;

namespace VoiceAgent.Cli.CommandLine;

/// <summary>
/// The <c>voiceagent</c> command tree. Each command's options and logic live with the command; this wires them
/// together and owns the exit codes: 0 done, 1 the command failed (a message on standard error), 2 a usage error
/// (unknown command or option, a bad value: named on standard error, nothing run), 130 cancelled (Ctrl-C).
/// </summary>
internal static class VoiceAgentCli
{
    public const int UsageError = 2;

    public static RootCommand Build(CliConsole console)
    {
        var root = new RootCommand("Voice agent tools: a terminal softphone, latency benches, the log analyzer and transcript re-keying, outbound dialling.")
        {
            SoftphoneCommandLine.Create(console),
            BenchCommandLine.Create(console),
            AnalyzeCommandLine.Create(console),
            RekeyCommandLine.Create(console),
            Dial.DialCommandLine.Create(console),
        };
        // No command: the help, as before.
        root.SetAction(parseResult => new HelpAction().Invoke(parseResult));
        return root;
    }

    public static async Task<int> InvokeAsync(string[] args, CliConsole console, CancellationToken cancellationToken)
    {
        var parseResult = Build(console).Parse(args);
        var configuration = new InvocationConfiguration
        {
            Output = console.Output,
            Error = console.Error,
            // Program.cs owns Ctrl-C (one token for every command) and the exceptions that mean "this failed".
            EnableDefaultExceptionHandler = false,
            ProcessTerminationTimeout = null,
        };
        if (parseResult.Errors.Count > 0)
        {
            await WriteUsageErrorsAsync(parseResult, args, console.Error);
            return UsageError;
        }
        try
        {
            return await parseResult.InvokeAsync(configuration, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return 130;
        }
        catch (Exception ex) when (ex is HttpRequestException or System.Net.WebSockets.WebSocketException or InvalidOperationException
            or System.Data.Common.DbException or System.Security.Cryptography.CryptographicException or IOException or UnauthorizedAccessException)
        {
            await console.Error.WriteLineAsync($"error: {ex.Message}");
            return 1;
        }
    }

    /// <summary>Every parse error on its own line, named by its option, then where to find the help.</summary>
    private static async Task WriteUsageErrorsAsync(ParseResult parseResult, string[] args, TextWriter error)
    {
        var command = parseResult.CommandResult.Command;
        var root = parseResult.RootCommandResult.Command.Name;
        var path = command is RootCommand ? root : $"{root} {command.Name}";
        foreach (var parseError in parseResult.Errors)
        {
            var option = parseError.SymbolResult switch
            {
                OptionResult o => o.Option.Name,
                ArgumentResult { Parent: OptionResult o } => o.Option.Name,
                _ => null,
            };
            var message = option is null || parseError.Message.Contains(option, StringComparison.Ordinal)
                ? parseError.Message
                : $"{option}: {parseError.Message}";
            if (option is null) message += AfterOption(parseError.Message, args);
            await error.WriteLineAsync($"{path}: {message}");
        }
        await error.WriteLineAsync($"Run '{path} --help' for the commands and options.");
    }

    /// <summary>A stray value after a switch (<c>--json yes</c>) is reported as unrecognized: say which option it followed.</summary>
    private static string AfterOption(string message, string[] args)
    {
        for (var i = 1; i < args.Length; i++)
        {
            if (!args[i].StartsWith('-') && args[i - 1].StartsWith("--", StringComparison.Ordinal)
                && message.Contains($"'{args[i]}'", StringComparison.Ordinal))
                return $" (it follows {args[i - 1]}, which takes no value or is not an option of this command)";
        }
        return "";
    }
}
