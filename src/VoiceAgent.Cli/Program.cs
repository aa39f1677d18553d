using VoiceAgent.Cli.CommandLine;

using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };

return await VoiceAgentCli.InvokeAsync(args, CliConsole.System(), cts.Token);
