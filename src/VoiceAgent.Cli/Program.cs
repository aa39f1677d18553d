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
        "rekey" => await VoiceAgent.Cli.Records.RekeyCommand.RunAsync(arguments, Console.Out, cts.Token),
        "analyze" => await VoiceAgent.Cli.Analyze.AnalyzeCommand.RunAsync(arguments, Console.In, Console.Out, Console.Error, cts.Token),
        _ => Help(),
    };
}
catch (OperationCanceledException)
{
    return 130;
}
catch (Exception ex) when (ex is HttpRequestException or System.Net.WebSockets.WebSocketException or InvalidOperationException
    or System.Data.Common.DbException or System.Security.Cryptography.CryptographicException)
{
    Console.Error.WriteLine($"error: {ex.Message}");
    return 1;
}

static int Help()
{
    Console.WriteLine("""
        voiceagent call  [--url http://127.0.0.1:8080] [--public-base-url URL] [--auth-token T --account-sid AC…] [--data-dir DIR] [--from +1…]
            Terminal softphone: plays Twilio's side of a ConversationRelay call. Type to talk; /interrupt, /dtmf 1, /hangup.
        voiceagent bench [--turns 300] [--scenario relay|media|micro|echo|stalled] [--calls N] [--redis-url redis://127.0.0.1:6379]
            Measures the latency the server adds, on local emulators; micro: µs and bytes per audio frame; echo: the
            speakerphone echo matrix; stalled: server RSS under a wave of callers that stop reading.
          outside: the server measured from outside (published Release build in its own process, callers and model stand-in here):
            [--levels 50,200,500,1000] [--turns-per-call 5] [--turn-gap-ms 1000] [--calls-per-second 100]
            [--first-token-ms 300] [--tokens 40] [--token-gap-ms 15] [--model anthropic|openai] [--server-env K=V,K=V]
            [--server-dir DIR | --source DIR | --server-url URL --model-port P [--server-pid PID]]
            [--baseline-ref REF | --baseline-dir DIR | --baseline-url URL [--baseline-pid PID]] [--json FILE] [--scratch DIR]
          stalled: [--calls 50] [--readers 4] [--reply-mb 4] [--server-dll path/VoiceAgent.Server.dll] [--server-env KEY=V,KEY=V]
        voiceagent rekey [--data-dir DIR]
            Re-encrypts stored transcripts under TRANSCRIPT_ENCRYPTION_KEY (older keys in TRANSCRIPT_ENCRYPTION_OLD_KEYS).
            Uses the server's environment: DATABASE_URL (else SQLite in DATA_DIR) and the keys.
        voiceagent analyze [--file server.log|-] [--call CA…] [--since 2026-12-07T02:00:00Z] [--until …] [--transport relay|media|vonage] [--json]
            Per-hop p50/p95/p99 from the server's JSON logs (LOG_FORMAT=json; standard input without --file) against the latency budget.
        """);
    return 0;
}
