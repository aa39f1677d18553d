using System.CommandLine;
using VoiceAgent.Cli.CommandLine;

namespace VoiceAgent.Cli.Dial;

/// <summary><c>voiceagent dial</c>: its options, their validation and help.</summary>
internal static class DialCommandLine
{
    public static Command Create(CliConsole console)
    {
        var to = new Option<string>("--to") { Description = "The number to call, E.164 (e.g. +15551234567).", HelpName = "number", Required = true };
        to.Validators.Add(result =>
        {
            var value = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
            if (!(value.Length is >= 8 and <= 16 && value[0] == '+' && value[1..].All(char.IsAsciiDigit)))
                result.AddError($"--to '{value}' is not an E.164 number such as +15551234567.");
        });
        var transport = new Option<string?>("--transport") { Description = "relay (ConversationRelay, default: the server's OUTBOUND_TRANSPORT) or media (Media Streams).", HelpName = "relay|media" };
        transport.AcceptOnlyFromAmong("relay", "media");
        var context = new Option<IReadOnlyDictionary<string, string>>("--context")
        {
            Description = "What the call is about, for the model: key=value pairs separated by commas, e.g. name=Dana,reason=your enrollment.",
            HelpName = "key=value,…",
            DefaultValueFactory = _ => new Dictionary<string, string>(StringComparer.Ordinal),
        };
        context.CustomParser = result =>
        {
            var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var pair in result.Tokens.Single().Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var kv = pair.Split('=', 2);
                if (kv.Length != 2 || kv[0].Length == 0)
                {
                    result.AddError($"--context entries are key=value (got '{pair}').");
                    return pairs;
                }
                pairs[kv[0]] = kv[1];
            }
            return pairs;
        };
        var url = OptionValues.HttpUrl("--url", "The server (default http://127.0.0.1:8080).");
        var token = OptionValues.Text("--admin-token", "The server's ADMIN_TOKEN (default: the ADMIN_TOKEN variable).", "token");
        var wait = OptionValues.Switch("--wait", "Follow the call's status callbacks until it ends.");
        var waitSeconds = OptionValues.Integer("--wait-seconds", "How long --wait follows the call (default 120).", 1, 120, "s");
        var command = new Command("dial",
            "Places an outbound call through the server (POST /admin/calls; the server needs ADMIN_TOKEN and TWILIO_CALLER_ID, or runs offline); --wait follows its callbacks.")
        {
            to, transport, context, url, token, wait, waitSeconds,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var adminToken = parseResult.GetValue(token) ?? Environment.GetEnvironmentVariable("ADMIN_TOKEN");
            if (string.IsNullOrEmpty(adminToken))
            {
                await console.Error.WriteLineAsync("dial needs the server's admin token: --admin-token T or ADMIN_TOKEN.");
                return VoiceAgentCli.UsageError;
            }
            var options = new DialOptions(parseResult.GetValue(url) ?? new Uri("http://127.0.0.1:8080"), adminToken, parseResult.GetValue(to)!,
                parseResult.GetValue(transport), parseResult.GetValue(context) ?? new Dictionary<string, string>(), parseResult.GetValue(wait),
                TimeSpan.FromSeconds(parseResult.GetValue(waitSeconds)));
            return await DialCommand.RunAsync(options, console.Output, cancellationToken);
        });
        return command;
    }
}
