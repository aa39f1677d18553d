using VoiceAgent.Cli;
using VoiceAgent.Cli.Softphone;

using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };

CliArguments arguments;
try { arguments = new CliArguments(args); }
catch (ArgumentException ex) { Console.Error.WriteLine(ex.Message); return 2; }

try
{
    return arguments.Command switch
    {
        "call" => await SoftphoneCommand.RunAsync(arguments, Console.In, Console.Out, cts.Token),
        "bench" => await VoiceAgent.Cli.Bench.BenchCommand.RunAsync(arguments, Console.Out, cts.Token),
        "analyze" => await VoiceAgent.Cli.Analyze.AnalyzeCommand.RunAsync(arguments, Console.In, Console.Out, Console.Error, cts.Token),
        _ => Help(),
    };
}
catch (OperationCanceledException)
{
    return 130;
}
catch (Exception ex) when (ex is HttpRequestException or System.Net.WebSockets.WebSocketException or InvalidOperationException)
{
    Console.Error.WriteLine($"error: {ex.Message}");
    return 1;
}

static int Help()
{
    Console.WriteLine("""
        voiceagent call  [--url http://127.0.0.1:8080] [--public-base-url URL] [--auth-token T --account-sid AC…] [--data-dir DIR] [--from +1…]
            Terminal softphone: plays Twilio's side of a ConversationRelay call. Type to talk; /interrupt, /dtmf 1, /hangup.
        voiceagent bench [--turns 300] [--scenario relay|media|micro] [--calls N]
            Measures the latency the server adds, on local emulators; micro: µs and bytes per audio frame.
        voiceagent analyze [--file server.log|-] [--call CA…] [--since 2026-12-07T02:00:00Z] [--until …] [--transport relay|media|vonage] [--json]
            Per-hop p50/p95/p99 from the server's JSON logs (LOG_FORMAT=json; standard input without --file) against the latency budget.
        """);
    return 0;
}
