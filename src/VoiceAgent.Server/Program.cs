using VoiceAgent.Hosting;
using VoiceAgent.Server;

try
{
    var app = await VoiceAgentServer.BuildAsync(args);
    await app.RunAsync();
    return 0;
}
catch (InvalidSettingsException invalid)
{
    // A configuration mistake is the operator's to fix: say what and how, without a stack trace.
    await Console.Error.WriteLineAsync(invalid.Message);
    return 2;
}
