using VoiceAgent.Server;

var app = await VoiceAgentServer.BuildAsync(args);
await app.RunAsync();
