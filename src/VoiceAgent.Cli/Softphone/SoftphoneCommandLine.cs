using System.CommandLine;
using VoiceAgent.Cli.CommandLine;

namespace VoiceAgent.Cli.Softphone;

/// <summary>What <c>voiceagent call</c> was given; unset values fall back to the environment in <see cref="SoftphoneCommand"/>.</summary>
internal sealed record SoftphoneOptions(Uri? Url, Uri? PublicBaseUrl, string? AuthToken, string? AccountSid, string? DataDir, string? From, string? To);

/// <summary><c>voiceagent call</c>: its options and help.</summary>
internal static class SoftphoneCommandLine
{
    public static Command Create(CliConsole console)
    {
        var url = OptionValues.HttpUrl("--url", "The server to call (default: PUBLIC_BASE_URL, else http://127.0.0.1:8080).");
        var publicBaseUrl = OptionValues.HttpUrl("--public-base-url", "The public URL the server signs its webhooks for (default: the --url origin).");
        var authToken = OptionValues.Text("--auth-token", "Twilio auth token used to sign (default: TWILIO_AUTH_TOKEN, else the server's development credentials).", "token");
        var accountSid = OptionValues.Text("--account-sid", "Twilio account SID (default: TWILIO_ACCOUNT_SID, else the development credentials).", "AC…");
        var dataDir = OptionValues.Text("--data-dir", "Where the server keeps its development credentials (default: DATA_DIR).", "dir");
        var from = OptionValues.Text("--from", "The caller's number (default +15555550100).", "+1…");
        var to = OptionValues.Text("--to", "The number called (default +15555550199).", "+1…");
        var command = new Command("call", "Terminal softphone: plays Twilio's side of a ConversationRelay call. Type to talk; /interrupt, /dtmf 1, /hangup.")
        {
            url, publicBaseUrl, authToken, accountSid, dataDir, from, to,
        };
        command.SetAction((parseResult, cancellationToken) => SoftphoneCommand.RunAsync(
            new SoftphoneOptions(parseResult.GetValue(url), parseResult.GetValue(publicBaseUrl), parseResult.GetValue(authToken),
                parseResult.GetValue(accountSid), parseResult.GetValue(dataDir), parseResult.GetValue(from), parseResult.GetValue(to)),
            console.Input, console.Output, cancellationToken));
        return command;
    }
}
