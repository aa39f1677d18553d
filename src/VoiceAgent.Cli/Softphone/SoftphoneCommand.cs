using System.Diagnostics;
using System.Security.Cryptography;
using VoiceAgent.Emulators.Twilio;
using VoiceAgent.Hosting;

namespace VoiceAgent.Cli.Softphone;

/// <summary>
/// <c>call</c>: plays Twilio's role against a running server. Fetches the signed TwiML webhook, connects the
/// signed ConversationRelay socket it names, then you type as the caller; replies stream as they arrive and
/// each turn prints its latency per hop. <c>/interrupt</c>, <c>/dtmf 1</c>, <c>/hangup</c>.
/// </summary>
internal static class SoftphoneCommand
{
    public static async Task<int> RunAsync(SoftphoneOptions args, TextReader input, TextWriter output, CancellationToken cancellationToken)
    {
        var serverUrl = args.Url ?? new Uri(Environment.GetEnvironmentVariable("PUBLIC_BASE_URL") ?? "http://127.0.0.1:8080");
        var publicBaseUrl = args.PublicBaseUrl?.ToString().TrimEnd('/') ?? serverUrl.GetLeftPart(UriPartial.Authority);
        var dataDir = args.DataDir ?? Environment.GetEnvironmentVariable("DATA_DIR") ?? VoiceAgentSettings.DefaultDataDir();
        var dev = DevelopmentCredentials.TryLoad(dataDir);
        var authToken = args.AuthToken ?? Environment.GetEnvironmentVariable("TWILIO_AUTH_TOKEN") ?? dev?.AuthToken;
        var accountSid = args.AccountSid ?? Environment.GetEnvironmentVariable("TWILIO_ACCOUNT_SID") ?? dev?.AccountSid;
        if (authToken is null || accountSid is null)
        {
            await output.WriteLineAsync($"No Twilio credentials: pass --auth-token/--account-sid, set TWILIO_AUTH_TOKEN/TWILIO_ACCOUNT_SID, or start the server once so it creates development credentials in {dataDir}.");
            return 2;
        }

        var callSid = "CA" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var from = args.From ?? "+15555550100";
        var form = new Dictionary<string, string>
        {
            ["AccountSid"] = accountSid, ["CallSid"] = callSid, ["From"] = from, ["To"] = args.To ?? "+15555550199",
            ["CallStatus"] = "ringing", ["Direction"] = "inbound", ["ApiVersion"] = "2010-04-01",
        };
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var twiml = await TwimlDiscovery.FetchAsync(http, serverUrl, publicBaseUrl, authToken, form, cancellationToken);
        var connectUrl = RewriteToServer(new Uri(twiml.WebSocketUrl), serverUrl);

        await using var caller = await ConversationRelayCaller.ConnectAsync(connectUrl, twiml.WebSocketUrl, authToken, cancellationToken);
        await caller.SendSetupAsync(callSid, accountSid, from, customParameters: twiml.Parameters, cancellationToken: cancellationToken);
        await output.WriteLineAsync($"Connected {callSid} to {twiml.WebSocketUrl}. Type to talk; /interrupt, /dtmf <digit>, /hangup.");
        if (twiml.WelcomeGreeting is not null) await output.WriteLineAsync($"agent> {twiml.WelcomeGreeting}");

        var printer = new ReplyPrinter(output);
        var reading = printer.PumpAsync(caller, cancellationToken);
        for (var line = await input.ReadLineAsync(cancellationToken); line is not null; line = await input.ReadLineAsync(cancellationToken))
        {
            line = line.Trim();
            if (line.Length == 0) continue;
            if (line == "/hangup") break;
            if (line == "/interrupt")
            {
                await caller.SendInterruptAsync(cancellationToken: cancellationToken);
                printer.MarkInterrupted();
                await output.WriteLineAsync("   [you talked over the agent]");
                continue;
            }
            if (line.StartsWith("/dtmf", StringComparison.Ordinal))
            {
                var digit = line[5..].Trim();
                printer.MarkSent(Stopwatch.GetTimestamp());
                await caller.SendDtmfAsync(digit, cancellationToken);
            }
            else
            {
                printer.MarkSent(await caller.SendPromptAsync(line, cancellationToken: cancellationToken));
            }
            // A script piped in waits for each reply, as a person would; at a terminal you may talk over the agent.
            if (Console.IsInputRedirected) await printer.ReplyDone.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
            if (caller.Closed) break;
        }
        await caller.DisposeAsync();
        await reading;
        await output.WriteLineAsync("Call ended.");
        return 0;
    }

    /// <summary>The TwiML names the public URL; a local softphone dials the server it was pointed at.</summary>
    private static Uri RewriteToServer(Uri twimlUrl, Uri serverUrl)
    {
        if (serverUrl.IsLoopback || serverUrl.Host == twimlUrl.Host)
        {
            var scheme = serverUrl.Scheme == "https" ? "wss" : "ws";
            return new UriBuilder(twimlUrl) { Scheme = scheme, Host = serverUrl.Host, Port = serverUrl.Port }.Uri;
        }
        return twimlUrl;
    }
}
